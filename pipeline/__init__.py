"""Prefect flows, CLI, writer, eval, query and exports."""

from pipeline import prefect_env as _prefect_env  # noqa: F401  (defaults before Prefect loads)

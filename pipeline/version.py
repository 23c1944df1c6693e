"""The pipeline version stamped on every document; bump it when outputs change."""

PIPELINE_VERSION = "0.1.0"

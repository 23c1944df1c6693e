"""Deadline engine: a plan's deadline cell → :class:`Deadline` (kind, window, times, anchor,
rule offset, recurrence, warnings), counted by Art. 11.1 of 67-FZ.

Design. The language of deadline cells is a small closed set of phrase families ("не позднее
чем за N дней до E", "в течение N дней со дня E", "с D1 по D2", "ежемесячно", …) built from
small vocabularies (numbers in digits and words, ordinals, months, quarters, units, anchors).
They are parsed in three layers:

* :mod:`.tokens` — one compiled regex tokenises the cleaned cell (legal references removed)
  into typed tokens (DATE, TIME, NUM, ORD, MONTH, AMT "10-дневный", WORD); context passes
  decide "18 часов" time vs period and merge "сорока пяти" → 45;
* :mod:`.grammar` — each phrase family (rule, event day, stated date in :mod:`.stated`,
  recurring, ongoing, separate plan, condition, time) is a rule over tokens built from the
  shared sub-rules of :mod:`.phrases` (qualifier, amount, direction, event noun phrase) and
  yields a *piece* (:mod:`.pieces`);
* :mod:`.engine` — pieces merge into windows (rule + stated confirmation, "не ранее … и не
  позднее …", conditions absorbed); the first window fills the fields, the rest is reported as
  ``SECONDARY_WINDOW``; stated dates win over computed ones (``STATED_DATE_MISMATCH``);
  :mod:`.counting` holds the Art. 11.1 formulas.

Why not yargy: a single toy yargy rule already runs at ~8,000 cells/s on this machine, and a
grammar of a dozen families with morphology would be far below the 5,000 cells/s budget; the
families need little morphology (closed vocabularies of forms cover them). Why not
dateparser: it swaps day and month in ``search_dates``, reads "15-16 марта" as 2016 and
"1800 часов" as a year; explicit dates here are simple enough for the tokenizer.
Results are cached per (normalised text, anchors).
"""

from parsers.deadlines.engine import parse_deadline
from parsers.deadlines.model import KINDS, Deadline

__all__ = ["KINDS", "Deadline", "parse_deadline"]

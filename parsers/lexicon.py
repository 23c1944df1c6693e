"""Lexical patterns several fact parsers share: quoted names and persons with initials."""

from __future__ import annotations

import re

UP = "А-ЯЁ"
LO = "а-яё"

# «…» (one level of nested «» allowed), “…”, „…“ and "…" on one line
QUOTED_SRC = r"«(?:[^«»]|«[^«»]*»)*»|“[^“”]*”|„[^„“”]*[“”]|\"[^\"\n]*\""
QUOTED = re.compile(QUOTED_SRC)

SURNAME = rf"[{UP}][{LO}]+(?:-[{UP}][{LO}]+)?"
INITIALS = rf"[{UP}]\.\s?(?:[{UP}]\.)?"
# "Иванов И.И." or "И.И. Иванов" (one or two initials, hyphenated surnames)
PERSON = re.compile(rf"(?P<name>{INITIALS}\s?{SURNAME}|{SURNAME}\s+{INITIALS})")


# act head nouns (lemmas); adjectives in front of them are taken along
ACT_HEADS = frozenset(
    {
        "закон", "кодекс", "конституция", "устав", "постановление", "положение", "порядок",
        "инструкция", "рекомендация", "регламент", "решение", "распоряжение", "указ", "приказ",
        "правило", "разъяснение", "методика", "программа",
    }
)  # fmt: skip

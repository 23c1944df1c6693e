"""Shared Russian morphology: a cached pymorphy2 analyser and noun-phrase helpers.

``to_nominative`` puts the head noun group of a phrase (leading adjectives and
participles plus the first noun) into the nominative and leaves the tail (the
genitive complement, quotes, numbers) as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import natasha  # noqa: F401  (natasha before pymorphy2: it sets up pkg_resources)
import pymorphy2

WORD_RE = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*")
CYR_RE = re.compile(r"[А-Яа-яЁё]")

# Latin letters that look like Cyrillic ones (inside Cyrillic words they are OCR / typing slips).
_LATIN_TO_CYR = str.maketrans("AaBCcEeHKMOoPpTXxy", "АаВСсЕеНКМОоРрТХху")
_MIXED_WORD = re.compile(r"\b\w*[А-Яа-яЁё]\w*\b")

_ADJ_POS = {"ADJF", "PRTF"}


@lru_cache(maxsize=1)
def analyzer() -> Any:
    """The process-wide pymorphy2 analyser (loading takes ~0.3 s)."""
    return pymorphy2.MorphAnalyzer()


@lru_cache(maxsize=65536)
def parses(word: str) -> tuple[Any, ...]:
    """All pymorphy2 parses of ``word`` (lower-cased), cached."""
    return tuple(analyzer().parse(word.lower()))


@lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Every normal form ``word`` may have."""
    if not CYR_RE.search(word):
        return frozenset({word.lower()})
    return frozenset(p.normal_form.replace("ё", "е") for p in parses(word))


@lru_cache(maxsize=65536)
def is_known(word: str) -> bool:
    """The word is in the dictionary (not a guess of the morphological predictor)."""
    return bool(analyzer().word_is_known(word.lower()))


def lemma(word: str) -> str:
    """The most probable normal form of ``word``."""
    if not CYR_RE.search(word):
        return word.lower()
    return str(parses(word)[0].normal_form).replace("ё", "е")


def has_pos(word: str, *pos: str) -> bool:
    """True when some parse of ``word`` has one of the parts of speech ``pos``."""
    return any(p.tag.POS in pos for p in parses(word))


def is_pos(word: str, *pos: str) -> bool:
    """True when the most probable parse of ``word`` has one of ``pos``."""
    return parses(word)[0].tag.POS in pos


def can_be(word: str, pos: str, case: str = "nomn") -> bool:
    """True when ``word`` can be a ``pos`` in ``case``."""
    return any(pos == p.tag.POS and p.tag.case == case for p in parses(word))


def fix_latin(text: str) -> str:
    """Replace Latin look-alike letters inside Cyrillic words by Cyrillic ones."""

    def one(m: re.Match[str]) -> str:
        w = m.group(0)
        if re.search(r"[A-Za-z]", w) and CYR_RE.search(w):
            return w.translate(_LATIN_TO_CYR)
        return w

    return _MIXED_WORD.sub(one, text)


def match_case(word: str, model: str) -> str:
    """``word`` with the letter case pattern of ``model``."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass(frozen=True, slots=True)
class Tok:
    """A word of a phrase with its position."""

    text: str
    start: int
    end: int


def words(text: str) -> Iterator[Tok]:
    """Word tokens of ``text`` with spans."""
    for m in WORD_RE.finditer(text):
        yield Tok(m.group(0), m.start(), m.end())


def _is_abbr(w: str) -> bool:
    return len(w) > 1 and w.isupper()


def _agree(adj: Any, noun: Any) -> bool:
    ta, tn = adj.tag, noun.tag
    if "Fixd" in ta and "Apro" in ta:
        return True  # "его", "их": possessives that do not inflect
    if ta.case != tn.case or ta.number != tn.number:
        return False
    if tn.number == "sing" and ta.gender and tn.gender and "ms-f" not in tn:
        return bool(ta.gender == tn.gender)
    return True


def head_group(text: str) -> list[Tok]:
    """Leading adjectives/participles and the first noun of ``text`` (empty if none)."""
    group: list[Tok] = []
    for tok in words(text):
        gap = text[group[-1].end : tok.start] if group else text[: tok.start]
        if group and gap.strip() not in ("", "-"):
            break
        if not group and gap.strip() and gap.strip() not in ("«", '"', "„", "“"):
            return []
        w = tok.text
        if not CYR_RE.search(w) or _is_abbr(w):
            return [*group, tok]
        ps = parses(w)
        if any(p.tag.POS == "NOUN" for p in ps):
            # "Рабочая", "Уполномоченный": adjective read first when it is the better parse
            if not group and len(ps) > 1 and ps[0].tag.POS in _ADJ_POS:
                group.append(tok)
                continue
            group.append(tok)
            return group
        if any(p.tag.POS in _ADJ_POS for p in ps):
            group.append(tok)
            continue
        return []
    return group if group and has_pos(group[-1].text, "NOUN") else []


def readings(group: list[Tok]) -> list[tuple[Any, list[Any]]]:
    """Consistent (noun parse, adjective parses) readings of a head group."""
    noun_w = group[-1].text
    out: list[tuple[Any, list[Any]]] = []
    for np_ in parses(noun_w):
        if np_.tag.POS != "NOUN":
            continue
        adjs: list[Any] = []
        for tok in group[:-1]:
            pick = next(
                (p for p in parses(tok.text) if p.tag.POS in _ADJ_POS and _agree(p, np_)), None
            )
            if pick is None:
                break
            adjs.append(pick)
        else:
            out.append((np_, adjs))
    return out


def to_nominative(phrase: str, number: str | None = None) -> str:
    """``phrase`` with its head noun group in the nominative.

    ``number`` ("sing"/"plur") breaks ties such as "постановления" (genitive singular or
    nominative plural); without it a reading that is already nominative wins.
    """
    return inflect_phrase(phrase, "nomn", number)


def phrase_case(phrase: str) -> tuple[str | None, str | None]:
    """(case, number) of the head group of ``phrase``, nominative preferred; (None, None)."""
    group = head_group(phrase)
    if not group or _is_abbr(group[-1].text):
        return None, None
    rs = readings(group)
    if not rs:
        return None, None
    for noun, _ in rs:
        if noun.tag.case == "nomn":
            return "nomn", noun.tag.number
    noun = rs[0][0]
    return noun.tag.case, noun.tag.number


def group_number(phrase: str) -> str | None:
    """Grammatical number of the head group of ``phrase`` read in the nominative."""
    group = head_group(phrase)
    if not group or _is_abbr(group[-1].text):
        return None
    nums = {n.tag.number for n, _ in readings(group) if n.tag.case == "nomn"}
    return nums.pop() if len(nums) == 1 else None


@lru_cache(maxsize=8192)
def inflect_phrase(phrase: str, case: str, number: str | None = None) -> str:
    """``phrase`` with its head noun group put into ``case`` (a pymorphy2 case grammeme)."""
    group = head_group(phrase)
    if not group or _is_abbr(group[-1].text) or not CYR_RE.search(group[-1].text):
        return phrase
    rs = readings(group)
    if not rs:
        return phrase
    if number:
        preferred = [r for r in rs if r[0].tag.number == number]
        rs = preferred or rs
    if any(r[0].tag.case == case for r in rs) and (
        not number or any(r[0].tag.number == number for r in rs)
    ):
        return phrase
    noun, adjs = rs[0]
    if any(g in noun.tag for g in ("Surn", "Name", "Patr")):
        return phrase
    num = number if case != "nomn" and number else (noun.tag.number or "sing")
    gram = {case, num}
    new_noun = noun.inflect(gram)
    if new_noun is None:
        return phrase
    gender = noun.tag.gender
    repl: list[tuple[Tok, str]] = []
    for tok, adj in zip(group[:-1], adjs, strict=True):
        g = set(gram)
        if num == "sing" and gender in ("masc", "femn", "neut"):
            g.add(gender)
        if case == "accs" and "anim" in noun.tag:
            g.add("anim")
        new = adj.inflect(g)
        if new is None:
            return phrase
        repl.append((tok, match_case(new.word, tok.text)))
    repl.append((group[-1], match_case(new_noun.word, group[-1].text)))
    # an apposition in brackets right after the head: "кодекса (Закона)"
    after = phrase[group[-1].end :]
    m = re.match(r"\s*\(([А-ЯЁа-яё]+)\)", after)
    if m:
        w = m.group(1)
        p2 = next(
            (p for p in parses(w) if p.tag.POS == "NOUN" and p.tag.case == noun.tag.case), None
        )
        n2 = p2.inflect({case, num}) if p2 is not None else None
        if n2 is not None:
            s = group[-1].end + m.start(1)
            repl.append((Tok(w, s, s + len(w)), match_case(n2.word, w)))
    # a participle clause after a comma that agrees with the head: "Порядка …, утвержденного
    # постановлением" → "Порядок …, утвержденный постановлением"
    m = re.search(r",\s*([А-ЯЁа-яё]+)", phrase[group[-1].end :])
    if m:
        w = m.group(1)
        p3 = next((p for p in parses(w) if p.tag.POS == "PRTF" and _agree(p, noun)), None)
        g = {case, num} | (
            {gender} if num == "sing" and gender in ("masc", "femn", "neut") else set()
        )
        n3 = p3.inflect(g) if p3 is not None else None
        if n3 is not None:
            s = group[-1].end + m.start(1)
            repl.append((Tok(w, s, s + len(w)), match_case(n3.word, w)))
            repl.sort(key=lambda r: r[0].start)
    out = []
    pos = 0
    for tok, new_w in repl:
        out.append(phrase[pos : tok.start])
        out.append(new_w if "ё" in tok.text else new_w.replace("ё", "е"))
        pos = tok.end
    out.append(phrase[pos:])
    return "".join(out)

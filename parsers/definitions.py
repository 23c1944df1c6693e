"""Short names a plan defines: "… (далее – X)", and a glossary that expands them.

Grammar of the marker: an optional opening bracket, the word "далее", optionally
"по тексту" / "также", an optional dash or colon, then the term up to the closing
bracket (or a comma, semicolon, full stop or line end for the bare form).

The meaning is the noun phrase the term abbreviates.  Its left edge is found, in
order, by: the initial letters of an acronym term ("СПО" → "специального
программного обеспечения"), the last occurrence of the term's head noun lemma
before the marker ("территориальная комиссия" → "…комиссию…") extended left over
agreeing adjectives, or else the nominal group right before the marker.  The
meaning is put in the nominative with the term's grammatical number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from parsers import morph
from parsers.lexicon import ACT_HEADS, QUOTED
from schemas.records import Definition

_DASH = r"[-–—−]"
_MARKER = re.compile(
    r"(?P<open>\(\s*)?(?<![А-Яа-яЁё])(?:далее|Далее)"
    r"(?:\s+(?:по\s+тексту|в\s+тексте))?(?:\s+также)?\s*(?P<dash>" + _DASH + r"|:)?\s*"
)
_QUOTES = "«»\"“”„'"
_FUNCTION_POS = {"PREP", "CONJ", "PRCL", "INTJ"}
_STOP_POS = {"VERB", "INFN", "GRND", "PREP", "CONJ", "PRCL", "ADVB", "NPRO", "PRED"}
_MAX_BACK = 60  # words looked at before the marker


@dataclass(frozen=True, slots=True)
class DefinitionSpan:
    """A definition with the character spans of its meaning and of the whole marker."""

    term: str
    meaning: str
    start: int  # start of the meaning in the text
    end: int  # end of the meaning (before the marker)
    marker_end: int


_LIST_HEAD = re.compile(
    r"^\s*(?:(?:принятые|используемые|применяемые)\s+)?сокращени[яй]\b[^:]*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_LIST_ENTRY = re.compile(r"^\s*[-•*]?\s*(?P<term>[^\s–—:][^–—:]{0,59}?)\s+[–—-]\s+(?P<meaning>.+)$")


def list_definitions(lines: list[str]) -> list[Definition]:
    """Short names in a list under a "Сокращения:" heading, one per line or separated by
    ";": "ТИК – территориальная избирательная комиссия …"."""
    out: list[Definition] = []
    inside = False
    for line in lines:
        head = _LIST_HEAD.match(line)
        entries = [head.group("rest")] if head else [line] if inside else []
        inside = inside or head is not None
        for entry in (e for chunk in entries for e in chunk.split(";")):
            if not entry.strip():
                continue
            m = _LIST_ENTRY.match(entry)
            term = m.group("term").strip() if m else ""
            if not m or not term[:1].isupper() or len(term.split()) > 5 or "далее" in entry:
                inside = head is not None and not m  # a heading's own text may not be a list
                break
            meaning = m.group("meaning").strip().rstrip(";.").strip()
            out.append(Definition(term=term, meaning=meaning))
    return out


def find_definitions(text: str) -> list[Definition]:
    """Every "(далее – X)" short name in ``text`` with the phrase it stands for."""
    out: list[Definition] = []
    seen: set[str] = set()
    for span in find_definition_spans(text):
        key = span.term
        if key not in seen:
            seen.add(key)
            out.append(Definition(term=span.term, meaning=span.meaning))
    return out


def find_definition_spans(text: str) -> list[DefinitionSpan]:
    """Definitions with positions (used by the legal reference parser)."""
    out: list[DefinitionSpan] = []
    prev_end = 0
    for m in _MARKER.finditer(text):
        term, marker_end = _term(text, m)
        if not term:
            continue
        start = m.start()
        bounds = _meaning_bounds(text, start, term, prev_end)
        if prev_end and not _names(text, bounds, term):  # the phrase began before an
            wider = _meaning_bounds(text, start, term, 0, by_word=True)  # inner definition
            bounds = wider or bounds
        prev_end = marker_end
        if bounds is None:
            continue
        s, e = bounds
        raw = _clean(_INNER_DEFINITION.sub("", text[s:e]))
        if not raw or raw == term:
            continue
        meaning = morph.to_nominative(raw, morph.group_number(term))
        out.append(DefinitionSpan(term, meaning, s, e, marker_end))
    return out


def _term(text: str, m: re.Match[str]) -> tuple[str, int]:
    """The term after the marker and the end of the marker."""
    rest_start = m.end()
    opened = m.group("open") is not None
    if opened:
        depth = 0
        i = rest_start
        while i < len(text):
            c = text[i]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            elif c in ";\n" and depth == 0:
                break
            i += 1
        raw = text[rest_start:i]
        end = i + 1 if i < len(text) and text[i] == ")" else i
    else:
        stop = re.compile(r"[);,\n]|\.(?:\s|$)")
        sm = stop.search(text, rest_start)
        i = sm.start() if sm else len(text)
        raw = text[rest_start:i]
        end = i + 1 if i < len(text) and text[i] == ")" else i
        # the bare form needs a dash or a capitalised / quoted term and a short phrase
        if m.group("dash") is None and not re.match(r"[«\"“А-ЯЁA-Z]", raw):
            return "", end
    term = " ".join(raw.split()).strip(" ,.;:")
    term = re.sub(r"^[^\w«\"“„]+", "", term)  # stray marks (OCR: "‚ Федеральный закон")
    if term[:1] in _QUOTES and term[-1:] in _QUOTES:
        term = term[1:-1].strip()
    if not term or len(term.split()) > 8 or not re.search(r"[А-Яа-яЁёA-Za-z]", term):
        return "", end
    return term, end


def _clean(s: str) -> str:
    """Whitespace-normalised meaning without trailing punctuation or unmatched brackets."""
    s = " ".join(s.split()).strip(" ,;:–—-")
    while s.endswith(")") and s.count(")") > s.count("("):
        s = s[:-1].rstrip(" ,;:")
    while s.startswith("(") and s.count("(") > s.count(")"):
        s = s[1:].lstrip()
    return s


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    out = []
    for m in QUOTED.finditer(text):
        out.append((m.start(), m.end()))
    return out


_INNER_DEFINITION = re.compile(r"\s*\(\s*далее\s*[-–—−]?\s*[^()]*\)", re.I)


def _names(text: str, bounds: tuple[int, int] | None, term: str) -> bool:
    """The phrase at ``bounds`` has the term's words in it (a short name of its own)."""
    if bounds is None:
        return False
    words = [w.text for w in morph.words(term) if not _is_abbr(w.text)]
    if not words:
        return True
    lemmas = set().union(*(morph.lemmas(w.text) for w in morph.words(text[bounds[0] : bounds[1]])))
    return any(morph.lemmas(w) & lemmas for w in words)


def _meaning_bounds(
    text: str, marker: int, term: str, floor: int = 0, by_word: bool = False
) -> tuple[int, int] | None:
    """Start and end of the phrase before ``marker`` that ``term`` abbreviates (with
    ``by_word``, only where the term's own words are found)."""
    end = marker
    left = max(_left_limit(text, marker), floor)
    toks = [t for t in morph.words(text[left:end])]
    toks = [morph.Tok(t.text, t.start + left, t.end + left) for t in toks][-_MAX_BACK:]
    if not toks:
        return None
    quoted = _quoted_ranges(text[left:end])
    toks_free = [
        t for t in toks if not any(a <= t.start - left < b for a, b in quoted)
    ]  # words outside quotes
    term_words = [t.text for t in morph.words(term)]
    if not term_words:
        return None
    start = _acronym_start(term_words[0], toks_free)
    if start is None:
        start = _lemma_start(term_words, toks_free, toks, text)
    if by_word:
        return None if start is None else (start, end)
    if start is None and quoted and text[left:end].rstrip()[-1:] in _QUOTES:
        start = _act_start(toks_free, toks, text)  # "Закона … «Кодекс …» (далее – Кодекс)"
    if start is None:
        start = _group_start(toks, text)
    if start is None:
        return None
    return start, end


def _left_limit(text: str, marker: int) -> int:
    """Start of the clause the marker belongs to: after ';', a sentence end or a bullet."""
    lim = 0
    for m in re.finditer(r";|\.\s+(?=[А-ЯЁ])|\n\s*\n|^\s*[-•]\s", text[:marker], re.M):
        prev = text[max(0, m.start() - 3) : m.start()]
        if m.group(0).startswith(".") and re.search(r"(?:\b[гГ]|\d|№\s*\S*|\b[А-ЯЁ])$", prev):
            continue  # "2012 г. № …", initials
        lim = m.end()
    return lim


def _acronym_start(first: str, toks: list[morph.Tok]) -> int | None:
    """Start of the words whose initials spell the acronym ``first`` ("ТИК", "СПО")."""
    if not (len(first) >= 2 and first.isupper() and morph.CYR_RE.search(first)):
        return None
    letters = first.lower()
    content = [t for t in toks if not morph.is_pos(t.text, *_FUNCTION_POS)]
    n = len(letters)
    for i in range(len(content) - n, -1, -1):
        if all(content[i + k].text[0].lower() == letters[k] for k in range(n)):
            return content[i].start
    return None


def _lemma_start(
    term_words: list[str], toks: list[morph.Tok], all_toks: list[morph.Tok], text: str
) -> int | None:
    """Start at the last occurrence of the term's head noun, extended over adjectives."""
    nouns = [w for w in term_words if morph.has_pos(w, "NOUN") and not _is_abbr(w)]
    # the head noun names the thing; an adjective alone ("Избирательный") may name another
    candidates = nouns or [w for w in term_words if not _is_abbr(w)]
    for w in candidates:
        want = morph.lemmas(w)
        for i in range(len(toks) - 1, -1, -1):
            if morph.lemmas(toks[i].text) & want:
                return _with_adjectives(all_toks, all_toks.index(toks[i]), text)
    return None


def _with_adjectives(all_toks: list[morph.Tok], j: int, text: str) -> int:
    """Start of the noun at ``all_toks[j]`` together with the adjectives right before it."""
    while (
        j > 0
        and not text[all_toks[j - 1].end : all_toks[j].start].strip()
        and _attributive(all_toks[j - 1].text, all_toks[j].text)
    ):
        j -= 1
    return all_toks[j].start


def _act_start(toks: list[morph.Tok], all_toks: list[morph.Tok], text: str) -> int | None:
    """Start of the act whose quoted name ends right before the marker: its head noun
    ("Закона", "Постановления"), extended over the adjectives in front of it."""
    for i in range(len(toks) - 1, -1, -1):
        if morph.lemmas(toks[i].text) & ACT_HEADS and morph.has_pos(toks[i].text, "NOUN"):
            return _with_adjectives(all_toks, all_toks.index(toks[i]), text)
    return None


def _is_abbr(w: str) -> bool:
    return len(w) > 1 and w.isupper()


def _attributive(adj: str, noun: str) -> bool:
    """True when ``adj`` is an adjective/participle that can modify ``noun``."""
    ps = morph.parses(adj)
    if not any(p.tag.POS in ("ADJF", "PRTF") for p in ps):
        return False
    if any("Apro" in p.tag for p in ps if p.tag.POS == "ADJF"):
        return False
    cases = {p.tag.case for p in morph.parses(noun) if p.tag.POS in ("NOUN", "ADJF", "PRTF")}
    return any(p.tag.case in cases for p in ps if p.tag.POS in ("ADJF", "PRTF"))


def _group_start(toks: list[morph.Tok], text: str) -> int | None:
    """Fallback: the nominal group right before the marker."""
    start = None
    for i in range(len(toks) - 1, -1, -1):
        t = toks[i]
        if i < len(toks) - 1:
            gap = text[t.end : toks[i + 1].start]
            if re.search(r"[,;:.]", gap.replace("«", "").replace("»", "")):
                break
        if morph.is_pos(t.text, *_STOP_POS) and not _is_abbr(t.text):
            break
        start = t.start
    return start


class Glossary:
    """Short names of one document; ``expand`` replaces them by what they stand for."""

    def __init__(self, definitions: Iterable[Definition]) -> None:
        self.definitions: list[Definition] = []
        self._patterns: list[tuple[list[tuple[str, frozenset[str]]], bool, Definition]] = []
        seen: set[str] = set()
        for d in definitions:
            if d.term in seen:
                continue
            seen.add(d.term)
            self.definitions.append(d)
            words = [t.text for t in morph.words(d.term)]
            if not words:
                continue
            pat = [(w, morph.lemmas(w)) for w in words]
            self._patterns.append((pat, d.term[:1].isupper(), d))
        # longest terms first so that "СПО участковой комиссии" wins over "СПО"
        self._patterns.sort(key=lambda p: -len(p[0]))
        self._cache: dict[tuple[str, bool], str] = {}
        # per-document memo for parsers that depend on this glossary (references, executors)
        self.memo: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self.definitions)

    def __len__(self) -> int:
        return len(self.definitions)

    def match_at(self, text: str, toks: list[morph.Tok], i: int) -> tuple[int, Definition] | None:
        """A term starting at word ``i`` of ``text``: (number of words, definition)."""
        for pat, capital, d in self._patterns:
            n = len(pat)
            if i + n > len(toks):
                continue
            ok = True
            for k, (w, lem) in enumerate(pat):
                t = toks[i + k]
                if k and text[toks[i + k - 1].end : t.start].strip(" \n\t-"):
                    ok = False
                    break
                if _is_abbr(w) or not morph.CYR_RE.search(w):
                    if t.text != w:
                        ok = False
                        break
                    continue
                if k == 0 and capital and not t.text[:1].isupper():
                    ok = False
                    break
                if not (morph.lemmas(t.text) & lem):
                    ok = False
                    break
            if ok and not self._continues(text, toks, i + n, pat):
                return n, d
        return None

    @staticmethod
    def _continues(
        text: str, toks: list[morph.Tok], j: int, pat: list[tuple[str, frozenset[str]]]
    ) -> bool:
        """True when the name goes on: "Порядком хранения …", "Федерального закона «О …»"."""
        end = toks[j - 1].end
        if re.match(r"\s*(?:[«\"“„]|№|от\s+\d)", text[end:]):
            return True
        if j >= len(toks) or len(pat) > 1 or _is_abbr(pat[0][0]):
            return False
        t = toks[j]
        if text[toks[j - 1].end : t.start].strip() or not t.text[:1].islower():
            return False
        return morph.can_be(t.text, "NOUN", "gent") and not morph.has_pos(t.text, "PREP", "CONJ")

    def expand(self, text: str, inflect: bool = False) -> str:
        """``text`` with every short name replaced by its meaning.

        The meaning is in the nominative; with ``inflect`` it takes the case of the
        replaced words instead ("территориальной комиссии" → "территориальной
        избирательной комиссии …").
        """
        if not self._patterns or not text:
            return text
        key = (text, inflect)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        toks = list(morph.words(text))
        out: list[str] = []
        pos = 0
        i = 0
        while i < len(toks):
            m = self.match_at(text, toks, i)
            if m is None:
                i += 1
                continue
            n, d = m
            a, b = toks[i].start, toks[i + n - 1].end
            meaning = d.meaning
            if inflect:
                case, number = morph.phrase_case(text[a:b])
                if case and case != "nomn":
                    meaning = morph.inflect_phrase(meaning, case, number)
            if a == 0 or (inflect and text[:a].strip() == ""):
                meaning = meaning[:1].upper() + meaning[1:] if text[a].isupper() else meaning
            out.append(text[pos:a])
            out.append(meaning)
            pos = b
            i += n
        out.append(text[pos:])
        res = "".join(out)
        self._cache[key] = res
        return res

    def meaning_of(self, phrase: str) -> str | None:
        """The meaning when the whole ``phrase`` is one short name, else None."""
        toks = list(morph.words(phrase))
        if not toks:
            return None
        m = self.match_at(phrase, toks, 0)
        if m is None or m[0] != len(toks):
            return None
        return m[1].meaning

    def by_number(self, number: str) -> str | None:
        """The meaning of a defined act whose name contains "№ number" or the number itself."""
        pat = re.compile(r"(?<![\w/.-])" + re.escape(number) + r"(?![\w/-])")
        for d in self.definitions:
            if pat.search(d.meaning):
                return d.meaning
        return None

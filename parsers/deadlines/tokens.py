"""Cell text → typed tokens: one compiled regex plus a few context passes.

Steps: fold whitespace, dashes and footnote marks; drop parenthesised legal references
("(ч. 4 ст. 9 … закона)", also unclosed ones) and bare ones ("ч. 2 статьи 36", "№ 12/345-6");
tokenise; turn number words into numbers, month names into months; decide whether "18 часов",
"1800", "14.00" are times of day or hour periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from parsers.deadlines import vocab

# token kinds
WORD, NUM, DATE, TIME, AMT, ORD, MONTH, PUNCT, HRS = ("W", "N", "D", "T", "A", "O", "M", "P", "H")


@dataclass(slots=True)
class Tok:
    """One token; ``low`` is its lower-case text, ``start``/``end`` index the clean text."""

    kind: str
    low: str
    start: int
    end: int
    val: object = None


_WS = re.compile(r"\s+")
_DASHES = re.compile(r"[‐‑‒–—―−]")
_FOOTNOTES = re.compile(r"[*¹²³⁰⁴⁵⁶⁷⁸⁹†‡]+")
_REF_MARK = re.compile(
    r"(?<![\w/])(?<!\d\s)(?:ст|ч|п|пп|подп|абз|гл|разд)\.\s*\d"
    r"|(?<![\w/])(?:пункт|част|стать)\w*\s+\d"
    r"|закон|кодекс|постановлени|положени|порядк|федеральн|распоряжени|указ\b|инструкци"
    r"|методическ|далее|\bфз\b|№",
    re.IGNORECASE,
)
_INNER_PAREN = re.compile(r"\(([^()]*)\)")
_OPEN_PAREN_REST = re.compile(r"\(([^()]*)$")
_KEEP_OPEN, _KEEP_CLOSE = "\x01", "\x02"
_LOCAL_TIME = re.compile(r"\(?\s*по\s+местному\s+времени\s*\)?", re.IGNORECASE)
_ZERO_HOUR = re.compile(r"\b(?:ноля|нуля|ноль|нуль)\s+час", re.IGNORECASE)


def clean(text: str) -> str:
    """Whitespace-folded text with legal references and footnote marks removed (case kept)."""
    s = _WS.sub(" ", text.replace("ё", "е").replace("Ё", "Е")).strip()
    s = _FOOTNOTES.sub(" ", s)
    s = _DASHES.sub("—", s)
    s = _ZERO_HOUR.sub("0 час", s)  # "до ноля часов" is midnight written out
    s = _LOCAL_TIME.sub(" ", s)  # times are local anyway
    while True:  # innermost groups first; keep the ones that are not references
        m = _INNER_PAREN.search(s)
        if not m:
            break
        inner = m.group(1)
        if _REF_MARK.search(inner):
            s = s[: m.start()] + " " + s[m.end() :]
        else:
            s = s[: m.start()] + _KEEP_OPEN + inner + _KEEP_CLOSE + s[m.end() :]
    m = _OPEN_PAREN_REST.search(s)
    if m and _REF_MARK.search(m.group(1)):
        s = s[: m.start()]
    s = s.replace(_KEEP_OPEN, "(").replace(_KEEP_CLOSE, ")")
    return _WS.sub(" ", s).strip(" ,.;")


_TOKEN = re.compile(
    r"""
    (?P<date>(?<!\d)(?P<dd>\d{1,2})\s?[./]\s?(?P<dmo>\d{1,2})\s?[./]\s?(?P<dy>\d{4}|\d{2})
        (?![\d])(?!\.\d)(?:\s?(?:г\.|гг\.|года|году|год|г)(?![а-я]))?)
   |(?P<iso>(?<!\d)(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d))
   |(?P<hmu>(?<!\d)(?P<hh1>\d{1,2})\s?(?:часов|часа|час|ч)\.?\s?(?P<mm1>\d{2})\s?
        (?:минут|минуты|мин|м)(?![а-я])\.?)
   |(?P<hu>(?<!\d)(?P<hv>\d{1,4})\s?(?:часов|часа|час|ч)(?![а-я])\.?)
   |(?P<hm>(?<!\d)(?P<hh2>\d{1,2}):(?P<mm2>\d{2})(?!\d))
   |(?P<dm>(?<![\d.])(?P<a>\d{1,2})\.(?P<b>\d{2})(?!\d))
   |(?P<adj>(?P<an>\d+)\s?-?\s?(?:ти|х|и|ми|ух|ех)?\s?-?\s?(?P<au>дневн|суточн|недельн|месячн)
        [а-я]*)
   |(?P<ordd>(?P<on>\d+)\s?-\s?(?:й|го|ого|ый|ой|ом|ое|ая|ую|м)(?![а-я]))
   |(?P<np>н\s?/\s?[пр](?![а-я]))
   |(?P<ref>(?<![а-я])(?:пп|п|ч|ст|подп|абз|гл|разд)\.\s?\d+(?:\.\d+)*
          (?:\s?(?:,|и)\s?\d+(?:\.\d+)*)*
        |(?:пункт|част|стать)[а-я]*\s\d+(?:\.\d+)*(?:\s?(?:,|и)\s?\d+(?:\.\d+)*)*
        |№\s?\S+)
   |(?P<num>\d+)
   |(?P<word>[a-zа-яі]+(?:-[a-zа-яі]+)*)
   |(?P<punct>[(),;:.—-])
    """,
    re.VERBOSE,
)

_PERIOD_PREV = frozenset({"течение", "через", "за", "истечении", "более", "менее", "срок"})
_TIME_FILLERS = frozenset({"по", "местному", "времени", "местного", "московскому", "мск", "в"})
_HOUR_WORDS = frozenset({"часов", "часа", "час", "ч"})


def _hhmm(v: int) -> str | None:
    """18 → "18:00", 1800 → "18:00", 0 → "00:00"; None when not a time of day."""
    if v <= 24:
        return f"{v:02d}:00"
    h, m = divmod(v, 100)
    if 100 <= v <= 2400 and h <= 24 and m < 60:
        return f"{h:02d}:{m:02d}"
    return None


def _date_val(d: str, m: str, y: str | None) -> tuple[int, int, int | None] | None:
    dd, mm = int(d), int(m)
    if not (1 <= dd <= 31 and 1 <= mm <= 12):
        return None
    yy: int | None = None
    if y is not None:
        yy = int(y)
        if yy < 100:
            yy += 2000
    return dd, mm, yy


def tokenize(clean_text: str) -> list[Tok]:
    """Typed tokens of a :func:`clean` text."""
    low = clean_text.lower()
    if len(low) != len(clean_text):  # exotic case folding: keep indices aligned
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in clean_text)
    toks: list[Tok] = []
    for m in _TOKEN.finditer(low):
        g = m.lastgroup
        s, e = m.span()
        txt = m.group(0)
        if g == "word":  # the commonest first
            if "-" in txt:
                toks.extend(_hyphenated(txt, s))
            else:
                kind, val = _classify(txt)
                toks.append(Tok(kind, txt, s, e, val))
        elif g == "punct":
            toks.append(Tok(PUNCT, "—" if txt == "-" else txt, s, e))
        elif g == "num":
            toks.append(Tok(NUM, txt, s, e, int(txt)))
        elif g == "date":
            v = _date_val(m["dd"], m["dmo"], m["dy"])
            toks.append(Tok(DATE, txt, s, e, v) if v else Tok(NUM, txt, s, e, 0))
        elif g == "iso":
            v = _date_val(m["id"], m["im"], m["iy"])
            toks.append(Tok(DATE, txt, s, e, v) if v else Tok(NUM, txt, s, e, 0))
        elif g == "hmu":
            toks.append(Tok(TIME, txt, s, e, f"{int(m['hh1']):02d}:{m['mm1']}"))
        elif g == "hu":
            toks.append(Tok(HRS, txt, s, e, int(m["hv"])))
        elif g == "hm":
            toks.append(Tok(TIME, txt, s, e, f"{int(m['hh2']):02d}:{m['mm2']}"))
        elif g == "dm":
            toks.append(Tok(DATE, txt, s, e, ("dm", int(m["a"]), int(m["b"]))))
        elif g == "adj":
            toks.append(Tok(AMT, txt, s, e, (int(m["an"]), vocab.ADJ_UNITS[m["au"]])))
        elif g == "ordd":
            toks.append(Tok(ORD, txt, s, e, int(m["on"])))
        elif g == "np":
            toks.append(Tok(WORD, "н/п" if txt.endswith("п") else "н/р", s, e))
        # g == "ref": a legal reference carries no deadline
    _merge_numbers(toks)
    _resolve_times(toks)
    return toks


def _word(w: str, s: int, e: int) -> Tok:
    kind, val = _classify(w)
    return Tok(kind, w, s, e, val)


@lru_cache(maxsize=16384)
def _classify(w: str) -> tuple[str, object]:
    """A word's token kind and value: number, ordinal, month, "десятидневный", or a word."""
    if w in vocab.CARDINALS:
        return NUM, vocab.CARDINALS[w]
    if w in vocab.ORDINALS:
        return ORD, vocab.ORDINALS[w]
    if w in vocab.MONTHS:
        return MONTH, vocab.MONTHS[w]
    if w == vocab.HALF_YEAR:
        return AMT, (6, "m")
    for part, unit in vocab.ADJ_UNITS.items():
        k = w.find(part)
        if k >= 0 and w[:k] in vocab.NUMBER_PREFIXES and (k > 0 or part != "летн"):
            return AMT, (vocab.NUMBER_PREFIXES[w[:k]], unit)
    return WORD, None


def _hyphenated(w: str, s: int) -> list[Tok]:
    """ "март-июнь", "i-ii" split into parts around a dash; other hyphenated words stay whole."""
    parts = w.split("-")
    if not any(p in vocab.MONTHS or p in vocab.ROMAN or p in vocab.CARDINALS for p in parts):
        return [Tok(WORD, w, s, s + len(w))]
    out: list[Tok] = []
    pos = s
    for k, p in enumerate(parts):
        if k:
            out.append(Tok(PUNCT, "—", pos, pos + 1))
            pos += 1
        out.append(_word(p, pos, pos + len(p)))
        pos += len(p)
    return out


def _merge_numbers(toks: list[Tok]) -> None:
    """ "сорока пяти" → 45, "двадцать пятый" → 25th (in place)."""
    i = 0
    while i + 1 < len(toks):
        a, b = toks[i], toks[i + 1]
        if (
            a.kind == NUM
            and a.low.isalpha()
            and isinstance(a.val, int)
            and a.val % 10 == 0
            and a.val >= 20
            and b.kind in (NUM, ORD)
            and b.low.isalpha()
            and isinstance(b.val, int)
            and b.val < 10
        ):
            toks[i] = Tok(b.kind, a.low + " " + b.low, a.start, b.end, a.val + b.val)
            del toks[i + 1]
            continue
        i += 1


def _low(toks: list[Tok], i: int) -> str:
    return toks[i].low if 0 <= i < len(toks) else ""


def _resolve_times(toks: list[Tok]) -> None:
    """Decide time of day vs hour period for "18 часов", "1800", "14.00" (in place)."""
    drop: set[int] = set()
    n = len(toks)
    for i, t in enumerate(toks):
        prev, nxt, nxt2 = _low(toks, i - 1), _low(toks, i + 1), _low(toks, i + 2)
        if t.kind == HRS:
            v = t.val if isinstance(t.val, int) else -1
            hhmm = _hhmm(v)
            period = (
                hhmm is None
                or prev in _PERIOD_PREV
                or nxt in ("после", "со", "от")
                or (nxt == "с" and nxt2 in ("момента", "даты", "дня"))
                or (nxt == "по" and nxt2 in ("завершении", "окончании", "истечении"))
            )
            if period:
                t.kind, t.val = AMT, (v, "h")
            else:
                t.kind, t.val = TIME, hhmm
        elif t.kind == DATE and isinstance(t.val, tuple) and t.val[0] == "dm":
            _, a, b = t.val
            unit = nxt in _HOUR_WORDS
            if unit or not (1 <= a <= 31 and 1 <= b <= 12):
                if a <= 24 and b < 60:
                    t.kind, t.val = TIME, f"{a:02d}:{b:02d}"
                    if unit:
                        drop.add(i + 1)
                else:
                    t.kind, t.val = NUM, 0
            else:
                t.val = (a, b, None)
        elif t.kind == NUM and t.low.isdigit() and 3 <= len(t.low) <= 4:
            hhmm = _hhmm(int(t.low))
            if hhmm is None:
                continue
            j = i + 1
            while j < n and toks[j].low in _TIME_FILLERS:
                j += 1
            follows_date = j < n and toks[j].kind == DATE
            ranged = (
                prev in ("с", "со")
                and nxt == "до"
                and i + 2 < n
                and toks[i + 2].kind in (HRS, TIME, NUM)
            )
            if follows_date or ranged:
                t.kind, t.val = TIME, hhmm
        elif (
            t.kind == NUM
            and t.low.isdigit()
            and len(t.low) <= 2
            and prev in ("с", "со")
            and nxt == "до"
            and i + 2 < n
            and toks[i + 2].kind in (HRS, TIME)
            and int(t.low) <= 24
        ):
            t.kind, t.val = TIME, f"{int(t.low):02d}:00"  # "с 8 до 20 часов"
    if drop:
        toks[:] = [t for k, t in enumerate(toks) if k not in drop]

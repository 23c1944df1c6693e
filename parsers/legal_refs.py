"""Citations of legal provisions: "ч. 4 ст. 9 Закона …", "частями 2 и 3 статьи 19 …".

Grammar (one regex per unit, composed):

    unit   = keyword number-list            "ч. 4", "статьи 37 и 38", "п. п. «в»"
    chain  = unit+ (monotone levels)        "п. п. «в» п. 1 ст. 27", "ст. 12 ч. 5"
    group  = chain (sep chain)* [act]       "ч. 10 ст. 40, ч. 13 ст. 41 Республиканского закона"
    act    = short name | named act         "Республиканского закона", "Закона … от … № …"

Levels, lowest first: subpoint ("пп.", "п. п.", "подпункт"), point ("п.", "пункт"),
part ("ч.", "часть"), article ("ст.", "ст.ст.", "статья").  A paragraph ("абз.",
"абзац") has no column of its own: it is stored in ``subpoint`` as "абз. N" (the
prefix keeps it apart from a lettered subpoint).

One :class:`LegalRef` per provision: lists and small numeric ranges are expanded.
A chain without an act takes the nearest act that follows it in the text, else "".
``act`` is normalised: nominative head, short names expanded, one kind of quotes,
single spaces, Cyrillic letters only inside Cyrillic words.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from parsers import morph
from parsers.definitions import DefinitionSpan, Glossary, find_definition_spans
from parsers.lexicon import ACT_HEADS, QUOTED_SRC
from schemas.records import LegalRef

LEVELS = ("subpoint", "point", "part", "article")
_RANK = {lv: i for i, lv in enumerate(LEVELS)}

_L = r"(?<![А-Яа-яЁёA-Za-z0-9/])"
_NUM = r"\d+(?:\.\d+)*(?:\s*[-–]\s*\d+(?:\.\d+)*)?"
_LET = r"(?:[«\"“'„]\s*[а-яё]\s*[»\"”'“]|[а-яё]\)|[а-яё](?![.\wА-Яа-яЁё]))"
_ORDINALS = {
    "перв": "1", "втор": "2", "трет": "3", "четверт": "4", "пят": "5",
    "шест": "6", "седьм": "7", "восьм": "8", "девят": "9", "десят": "10",
}  # fmt: skip
_ORD = r"(?:перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)[а-яё]*"
_SEP = r"(?:\s*,\s*(?:а\s+также\s+)?|\s+(?:и|или|а\s+также)\s+)"
_DOT = r"(?:\.(?!\d))?"


def _list(item: str) -> str:
    return rf"(?:{item}){_DOT}(?:{_SEP}(?:{item}){_DOT})*"


_UNIT = re.compile(
    rf"{_L}(?:"
    r"(?P<subpoint>(?:п\.\s*п\.|пп\.?|подп\.|подпункт[а-я]*|пдп\.)\s*)"
    rf"(?P<subn>{_list(_NUM + '|' + _LET)})"
    rf"|(?P<abzac>(?:абз\.|абзац[а-я]*)\s*)(?P<abzn>{_list(_NUM + '|' + _ORD)})"
    rf"|(?P<point>(?:п\.|пункт[а-я]*|п(?=\s+\d))\s*)(?P<pointn>{_list(_NUM)})"
    rf"|(?P<part>(?:чч?\.|част(?:ь|и|ью|ей|ям|ями|ях)|ч(?=\s+\d))\s*)(?P<partn>{_list(_NUM)})"
    rf"|(?P<article>(?:ст\.\s*ст\.|стст\.|ст\.|стать(?:я|и|е|ю|ей|ёй|ям|ями|ях)|статей"
    rf"|ст(?=\s+\d))\s*)(?P<articlen>{_list(_NUM)})"
    rf")",
    re.IGNORECASE,
)
_ITEM_SPLIT = re.compile(r"\s*,\s*(?:а\s+также\s+)?|\s+(?:и|или|а\s+также)\s+")
_HOURS_BEFORE = re.compile(r"(?<![.\d])\d{1,2}\s*$")
_MINUTES_AFTER = re.compile(r"\s*(?:мин|м\.|минут)")


def _is_time(text: str, m: re.Match[str]) -> bool:
    """ "20 ч. 00 мин.": an hour, not a part."""
    if not _HOURS_BEFORE.search(text[: m.start()]):
        return False
    if _UNIT_BEFORE.search(text[: m.start()]):
        return False  # "ст. 12 ч. 5"
    return m.group("partn").lstrip().startswith("0") or bool(_MINUTES_AFTER.match(text, m.end()))


_MONTHS = r"(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
_DATE = (
    rf"(?:\d{{1,2}}\s*\.\s*\d{{1,2}}\s*\.\s*\d{{2,4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}})"
    r"(?:\s*(?:г\.|года|г(?![а-я])))?"
)
_FROM_DATE = re.compile(rf"\s*от\s+{_DATE}")
_NUMBER = re.compile(r"\s*(?:за\s+)?(?:№|N(?=\s*\d))\s*(?P<no>[\w/.-]*\w)")
_QUOTE = re.compile(rf"\s*(?:{QUOTED_SRC})")
_FZ = re.compile(
    r"(?<![\w-])(?:ФЗ\s*[-–№]?\s*(?P<a>\d+)|(?P<b>\d+)\s*[-–]\s*ФЗ|ФКЗ\s*[-–№]?\s*(?P<c>\d+)"
    r"|(?P<d>\d+)\s*[-–]\s*ФКЗ)(?![\w-])"
)
_APPOSITION = re.compile(r"\s*\([А-ЯЁа-яё]+\)")
_PARTICIPLE = re.compile(r"\s*,\s*(?=(?:утвержд|принят|одобрен|установлен)[а-яё]*\s)")


_UNIT_BEFORE = re.compile(
    r"(?:ст\.|стать[а-яё]*|п\.|пункт[а-яё]*|пп\.|подпункт[а-яё]*)\s*\d+(?:\.\d+)*\s*$", re.I
)


@dataclass
class _Chain:
    start: int
    end: int
    levels: dict[str, list[str]] = field(default_factory=dict)
    act: str | None = None
    act_end: int | None = None
    plural_points: bool = False  # "пп. 31, 32" / "п.п. 1, 2": numbers after a doubled "п"


def parse_legal_refs(text: str, glossary: Glossary, basis: bool = False) -> list[LegalRef]:
    """All provisions cited in ``text`` (an action or deadline cell). A ``basis`` cell (a
    "Правовое основание" column) cites by its nature: an act it names at the start of the
    cell or of a ";"-separated part is a reference even without an article."""
    if not text or not (basis or _UNIT.search(text) or _CITE.search(text)):
        return []
    return list(_parse_cached(text, glossary, basis))


def _parse_cached(text: str, glossary: Glossary, basis: bool) -> tuple[LegalRef, ...]:
    key = ("basis:" if basis else "legal_refs:") + text
    hit = glossary.memo.get(key)
    if hit is None:
        hit = tuple(_parse(text, glossary, basis))
        glossary.memo[key] = hit
    return tuple(hit)


_CITE = re.compile(
    r"(?<![А-Яа-яЁё])(?:в\s+соответствии\s+со?|согласно|на\s+основании|руководствуясь"
    r"|в\s+порядке,?\s+(?:установленном|предусмотренном|определенном)"
    r"|предусмотренн[а-я]*|установленн[а-я]*)\s+",
    re.IGNORECASE,
)


_PART_START = re.compile(r"(?:^|;)\s*")


def _bare_acts(
    text: str,
    glossary: Glossary,
    defs: list[DefinitionSpan],
    taken: list[tuple[int, int]],
    basis: bool = False,
) -> list[tuple[int, LegalRef]]:
    """Acts cited without a provision: "В соответствии с Порядком хранения …"; in a basis
    cell also an act that starts the cell or one of its parts."""
    out: list[tuple[int, LegalRef]] = []
    if basis:  # where a part of the cell starts, after a citing phrase if one opens it
        starts = []
        for m in _PART_START.finditer(text):
            cite = _CITE.match(text, m.end())
            starts.append(cite.end() if cite else m.end())
    else:
        starts = [m.end() for m in _CITE.finditer(text)]
    for start in starts:
        if any(a <= start < b for a, b in taken):
            continue
        toks = _words_ahead(text, start)
        if not toks or toks[0].start != start:
            continue
        if glossary and glossary.match_at(text, toks, 0):
            continue
        found = _act_at(text, start, glossary, defs, named_only=True)
        if found:
            act, end = found
            if not toks[0].text[:1].isupper() and not re.search(r"№|\d{4}", text[start:end]):
                continue  # "предусмотренный законом": not a citation
            written = " ".join(text[start:end].split())
            out.append((start, LegalRef(act=act, text=written)))
    return out


def _parse(text: str, glossary: Glossary, basis: bool = False) -> list[LegalRef]:
    defs = find_definition_spans(text) if "далее" in text.lower() else []
    chains = _chains(text)
    for ch in chains:
        found = _act_at(text, ch.end, glossary, defs)
        if found:
            ch.act, ch.act_end = found
    _inherit(text, chains)
    out: list[tuple[int, LegalRef]] = []
    for i, ch in enumerate(chains):
        act, end = ch.act, ch.act_end
        if act is None:
            nxt = next((c for c in chains[i + 1 :] if c.act is not None), None)
            act, end = (nxt.act, nxt.act_end) if nxt else ("", None)
        written = " ".join(text[ch.start : end or ch.end].split()).rstrip(" ,;")
        keys = [lv for lv in LEVELS if lv in ch.levels]
        for combo in itertools.product(*(ch.levels[k] for k in keys)):
            vals = dict(zip(keys, combo, strict=True))
            out.append((ch.start, LegalRef(act=act or "", text=written, **vals)))
    taken = [(c.start, c.act_end or c.end) for c in chains]
    out.extend(_bare_acts(text, glossary, defs, taken, basis))
    out.sort(key=lambda x: x[0])
    return [r for _, r in out]


def _numbers(raw: str, letters: bool) -> list[str]:
    out: list[str] = []
    for item in _ITEM_SPLIT.split(raw.strip()):
        item = item.strip().rstrip(".").strip("«»\"“”'„) ")
        if not item:
            continue
        m = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", item)
        if m and 0 < int(m.group(2)) - int(m.group(1)) <= 20:
            out.extend(str(n) for n in range(int(m.group(1)), int(m.group(2)) + 1))
            continue
        item = re.sub(r"\s+", "", item)
        if not letters and not item[:1].isdigit():
            continue
        out.append(item)
    return out


_DOUBLED_P = re.compile(r"(?:п\.\s*п\.|пп\.?)\s*", re.I)


def _chains(text: str) -> list[_Chain]:
    chains: list[_Chain] = []
    cur: _Chain | None = None
    last_rank: int | None = None
    direction = 0
    for m in _UNIT.finditer(text):
        level = next(lv for lv in (*LEVELS, "abzac") if m.group(lv))
        if level == "part" and _is_time(text, m):
            continue  # "20 ч. 00 мин." is a time
        nums_raw = m.group({"subpoint": "subn", "abzac": "abzn"}.get(level, level + "n"))
        nums = _numbers(nums_raw, letters=level in ("subpoint", "abzac"))
        if level == "part" and any(n.startswith("0") for n in nums):
            continue
        if not nums:
            continue
        if level == "abzac":
            nums = [next((v for k, v in _ORDINALS.items() if n.startswith(k)), n) for n in nums]
            level, nums = "subpoint", [f"абз. {n}" for n in nums]
        marker = m.group("subpoint") if level == "subpoint" else None
        doubled = marker is not None and bool(_DOUBLED_P.fullmatch(marker))
        plural = doubled and all(n[:1].isdigit() for n in nums)
        rank = _RANK[level]
        gap = text[cur.end : m.start()] if cur else ""
        joined = cur is not None and re.fullmatch(r"[\s.]*", gap) is not None
        if joined and cur is not None and last_rank is not None and level not in cur.levels:
            step = 1 if rank > last_rank else -1
            if direction in (0, step):
                direction = step
                cur.levels[level] = nums
                cur.end = m.end()
                last_rank = rank
                continue
        cur = _Chain(m.start(), m.end(), {level: nums}, plural_points=plural)
        chains.append(cur)
        last_rank, direction = rank, 0
    for ch in chains:
        ch.end = _trim_end(text, ch.start, ch.end)
        if ch.plural_points and "point" not in ch.levels and len(ch.levels) > 1:
            ch.levels["point"] = ch.levels.pop("subpoint")  # "пп. 31, 32 ст. 38": points
    return chains


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \n\t.,":
        end -= 1
    return end


def _inherit(text: str, chains: list[_Chain]) -> None:
    """Chains joined by a list separator borrow missing higher levels from a neighbour."""
    for i, ch in enumerate(chains):
        top = max(_RANK[lv] for lv in ch.levels)
        if top == _RANK["article"]:
            continue
        for j in (i + 1, i - 1):
            if not 0 <= j < len(chains):
                continue
            a, b = (ch, chains[j]) if j > i else (chains[j], ch)
            if ch.act is not None and j > i:
                continue
            gap = text[a.end : b.start]
            if not re.fullmatch(r"\s*(?:,|;|и|или|а\s+также|,\s*а\s+также)\s*", gap):
                continue
            other = chains[j]
            if max(_RANK[lv] for lv in other.levels) <= top:
                continue
            if top not in [_RANK[lv] for lv in other.levels]:
                continue  # "ч. 2 и ч. 3 ст. 5": the neighbour must have this chain's level
            for lv, nums in other.levels.items():
                if _RANK[lv] > top:
                    ch.levels.setdefault(lv, nums)
            break


# ---------------------------------------------------------------- acts


def _act_at(
    text: str, pos: int, glossary: Glossary, defs: list[DefinitionSpan], named_only: bool = False
) -> tuple[str, int] | None:
    """The act named right at ``pos`` (after spaces): (normalised name, end)."""
    m = re.match(r"[\s,]*", text[pos:])
    start = pos + (m.end() if m else 0)
    if start >= len(text) or text[start] in ")(;":
        return None
    for d in defs:  # the act is defined right here: "Закона … (далее – Закон)"
        if d.start == start:
            return normalise_act(d.meaning, glossary), d.marker_end
    fz = _FZ.match(text, start)
    if fz:
        return normalise_act(_fz_name(fz), glossary), fz.end()
    toks = _words_ahead(text, start)
    if not toks:
        return None
    if toks[0].start != start:
        return None
    if toks[0].text in ("ФЗ", "ФКЗ"):
        name = "Федеральный закон" if toks[0].text == "ФЗ" else "Федеральный конституционный закон"
        end = _act_tail(text, toks[0].end, long_name=False)
        if end == toks[0].end:  # the document's own "ФЗ" first, then the generic reading
            full = (
                glossary.meaning_of(toks[0].text) or glossary.meaning_of(name) if glossary else None
            )
            return normalise_act(full or name, glossary), end
        return normalise_act(name + text[toks[0].end : end], glossary), end
    if glossary and not named_only:
        hit = glossary.match_at(text, toks, 0)
        if hit is not None:
            n, defn = hit
            return normalise_act(defn.meaning, glossary), toks[n - 1].end
    named_end = _named_act_end(text, toks)
    if named_end is None:
        return None
    return normalise_act(text[start:named_end], glossary), named_end


def _words_ahead(text: str, start: int, n: int = 40) -> list[morph.Tok]:
    out = []
    for t in morph.words(text[start : start + 400]):
        out.append(morph.Tok(t.text, t.start + start, t.end + start))
        if len(out) >= n:
            break
    return out


def _fz_name(m: re.Match[str]) -> str:
    if m.group("a") or m.group("b"):
        return f"Федеральный закон № {m.group('a') or m.group('b')}-ФЗ"
    return f"Федеральный конституционный закон № {m.group('c') or m.group('d')}-ФКЗ"


def _named_act_end(text: str, toks: list[morph.Tok]) -> int | None:
    """End of a named act starting at ``toks[0]`` ("Федерального закона от … № … «…»")."""
    head = None
    for i, t in enumerate(toks[:4]):
        if i and text[toks[i - 1].end : t.start].strip():
            return None
        if morph.lemmas(t.text) & ACT_HEADS and morph.has_pos(t.text, "NOUN"):
            head = i
            break
        if not morph.has_pos(t.text, "ADJF", "PRTF"):
            return None
    if head is None:
        return None
    end = toks[head].end
    m = _APPOSITION.match(text, end)
    if m:
        end = m.end()
    # genitive tail: "Тульской области", "ЦИК России", "избирательной комиссии края"
    j = head + 1
    while j < len(toks):
        t = toks[j]
        if t.start < end:
            j += 1
            continue
        gap = text[end : t.start]
        if gap.strip() or t.text.lower() in ("от", "за"):
            break
        w = t.text
        if morph.is_pos(w, "PREP", "CONJ", "VERB", "INFN", "PRCL", "ADVB"):
            break
        proper = w[:1].isupper() and j > head + 1
        if not (
            _is_abbr(w)
            or proper
            or morph.can_be(w, "NOUN", "gent")
            or morph.can_be(w, "ADJF", "gent")
        ):
            break
        end = t.end
        j += 1
    return _act_tail(text, end, long_name=True)


def _act_tail(text: str, end: int, long_name: bool) -> int:
    """Date, number and quoted title after an act's head, in any order; a participial
    ", утвержденный … № …"; else (``long_name``) a title written without quotes."""
    quoted = numbered = False
    while True:
        for rx, kind in ((_FROM_DATE, "date"), (_NUMBER, "number"), (_QUOTE, "quote")):
            m = rx.match(text, end)
            if m and not (kind == "quote" and quoted):
                end = m.end()
                quoted = quoted or kind == "quote"
                numbered = numbered or kind == "number"
                break
        else:
            break
    if long_name and not (quoted or numbered):
        end = _long_name_end(text, end)
    m = _PARTICIPLE.match(text, end)
    if m:  # ", утвержденный постановлением … от … № …"
        n = _NUMBER.search(text, m.end())
        stop = re.compile(r"[();]|\n\s*\n").search(text, m.end())
        if n and (stop is None or n.end() <= stop.start()):
            end = n.end()
            q = _QUOTE.match(text, end)
            end = q.end() if q else end
    return end


_BOUNDARY = re.compile(r"[();]|\n\s*\n|\.\s+(?=[А-ЯЁ])|\.\s*$|\s+[-–—]\s+|,\s*(?=[А-ЯЁ])")


def _long_name_end(text: str, end: int) -> int:
    """A title written without quotes goes on to the next bracket, semicolon, sentence end
    or provision keyword: "Порядка хранения и передачи в архивы документов, …"."""
    rest = text[end:]
    if not rest[:1].isspace() or not re.match(r"\s+[а-яё]", rest):
        return end
    stop = len(rest)
    b = _BOUNDARY.search(rest)
    if b:
        stop = b.start()
    u = _UNIT.search(rest, 0, stop)
    if u:
        stop = u.start()
    return end + len(rest[:stop].rstrip(" ,\n"))


def _is_abbr(w: str) -> bool:
    return len(w) > 1 and w.isupper()


_QUOTE_PAIRS = (("“", "”"), ("„", "“"), ("„", "”"))


@lru_cache(maxsize=4096)
def _normalise(name: str) -> str:
    s = morph.fix_latin(" ".join(name.split()))
    for a, b in _QUOTE_PAIRS:
        s = re.sub(rf"{a}([^{a}{b}]*){b}", r"«\1»", s)
    # straight quotes: pair them up, inner pairs first
    while '"' in s:
        new = re.sub(r'"([^"«»]*)"', r"«\1»", s, count=1)
        if new == s:
            break
        s = new
    s = re.sub(r"«\s+", "«", s)
    s = re.sub(r"\s+»", "»", s)
    s = re.sub(r"(?:№|\bN(?=\s*\d))\s*", "№ ", s)
    s = re.sub(r"(\d)\s*\.\s*(\d)", r"\1.\2", s)
    s = s.strip(" ,;:")
    while s.endswith(")") and s.count(")") > s.count("("):
        s = s[:-1].rstrip()
    if s.endswith(".") and not re.search(r"(?:\bг|\b[А-ЯЁ])\.$", s):
        s = s[:-1]
    return morph.to_nominative(s, "sing")


def normalise_act(name: str, glossary: Glossary | None = None) -> str:
    """One spelling per act: nominative, «» quotes, single spaces, defined meaning by number."""
    s = _normalise(name)
    if glossary:
        for num in _act_numbers(s):
            full = glossary.by_number(num)
            if full:
                return _normalise(full)
    return s


def _act_numbers(s: str) -> list[str]:
    out = [m.group(1) for m in re.finditer(r"№\s*([\w/.-]*\w)", s)]
    for m in _FZ.finditer(s):
        n = m.group("a") or m.group("b") or m.group("c") or m.group("d")
        out.append(f"{n}-ФКЗ" if m.group("c") or m.group("d") else f"{n}-ФЗ")
    return out

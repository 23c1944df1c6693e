"""Executor cells → one entry per responsible body or person.

Grammar, applied in order to a cell (line breaks of the source cell are '\\n'):

1. bracketed qualifiers are dropped: "(по согласованию)", "(Росреестр)", "(далее – X)";
2. a line continues the previous one unless it begins a new body (a nominative noun
   group whose head is a known body, a person, a legal-form acronym);
3. hard separators: ';', "совместно с", "при участии", "а при его отсутствии —";
4. commas split, except inside quotes and inside a participial phrase
   ("Организации, осуществляющие выпуск …, редакции …" → the phrase stays whole
   until a new body head follows);
5. "и"/"либо"/"или" split only between two complete bodies;
6. glued bodies are split: a person's name ("Иванов И.И.", "И.И. Иванов") after or
   before a body, a legal-form acronym with a quoted name (КГКУ "…"), a capitalised
   nominative body group starting mid-cell ("… Общественный штаб …").

The gazetteer of body heads, posts, legal forms and acronyms is ``data/bodies.txt``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parsers import morph
from parsers.definitions import Glossary
from parsers.lexicon import INITIALS, LO, QUOTED, SURNAME, UP


@dataclass(frozen=True)
class Gazetteer:
    """Lemmas and acronyms that mark executors."""

    heads: frozenset[str]
    roles: frozenset[str]
    forms: frozenset[str]
    abbrs: frozenset[str]
    generic: frozenset[str]
    places: frozenset[str]
    parts: frozenset[str]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer loaded from ``data/bodies.txt``."""
    names = [f.name for f in dataclasses.fields(Gazetteer)]
    sections: dict[str, set[str]] = {name: set() for name in names}
    cur: set[str] | None = None
    path = Path(__file__).with_name("data") / "bodies.txt"
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            cur = sections.setdefault(line.strip("[]"), set())
            continue
        if cur is not None:
            cur.add(line)
    return Gazetteer(**{name: frozenset(sections[name]) for name in names})


_UP, _LO = UP, LO
_PERSON_AFTER = re.compile(rf"(?<![\w.])(?P<s>{SURNAME})\s+(?P<i>{INITIALS})(?![{_LO}])")
_PERSON_BEFORE = re.compile(rf"(?<![\w.])(?P<i>{INITIALS})\s*(?P<s>{SURNAME})(?![\w])")
_HARD = re.compile(
    r"\s*;\s*"
    r"|\s*,?\s+(?:совместно|во\s+взаимодействии|в\s+взаимодействии)\s+с(?:о)?\s+"
    r"|\s*,?\s+(?:при\s+участии|с\s+участием)\s+"
    r"|\s*,?\s*а\s+при\s+(?:его|ее|её|их)\s+отсутствии\s*[-–—−]?\s*(?:(?:в|во)\s+)?"
    r"|\s*,?\s+а\s+также\s+"
)
_COORD = re.compile(r"\s+(?:и|либо|или)\s+")
_LEAD = re.compile(r"^(?:[-–—•·*]+|\d{1,2}[.)]\s|и\s+|а\s+также\s+|либо\s+|или\s+)\s*")
_REL = frozenset({"который", "являться", "в", "на", "по", "при", "для", "из", "от", "с", "за"})


def _mask_quotes(s: str) -> str:
    """``s`` with the insides of quotes replaced by underscores (same length)."""
    return QUOTED.sub(lambda m: m.group(0)[0] + "_" * (len(m.group(0)) - 2) + m.group(0)[-1], s)


def _drop_brackets(s: str) -> str:
    """``s`` without qualifiers and aliases in brackets; glosses inside a name such as
    "выполняющие работы (оказывающие услуги) по изготовлению" and closing participles
    ("Организации (оказывающие услуги связи)") stay; other brackets that close a name
    ("граждане (самовыдвижение)", "(по согласованию)") go."""
    masked = _mask_quotes(s)
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, ch in enumerate(masked):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            a = stack.pop()
            if not stack:
                spans.append((a, i + 1))
    if stack:  # unbalanced: drop from the first open bracket to the end of its line
        a = stack[0]
        e = s.find("\n", a)
        spans.append((a, len(s) if e < 0 else e))
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos:
            continue
        inner = s[a + 1 : b - 1] if s[b - 1 : b] == ")" else s[a + 1 : b]
        trailing = not re.match(r"[ \t]*[^\s,;.]", s[b:].split("\n", 1)[0])
        if _keep_bracket(inner) and (not trailing or _starts_participle(inner)):
            continue  # a gloss inside the name, or a participle narrowing it: not a qualifier
        out.append(s[pos:a])
        pos = b
    out.append(s[pos:])
    return re.sub(r"[ \t]+([,.;])", r"\1", re.sub(r"[ \t]+", " ", "".join(out)))


def _starts_participle(text: str) -> bool:
    w = _first_word(text)
    return w is not None and morph.parses(w.text)[0].tag.POS == "PRTF"


def _keep_bracket(inner: str) -> bool:
    """A bracketed gloss that belongs to the name: a participle or lower-case noun phrase."""
    w = _first_word(inner)
    if w is None or not w.text[:1].islower() or inner[: w.start].strip():
        return False
    if w.text.lower() == "далее":
        return False
    ps = morph.parses(w.text)
    return ps[0].tag.POS in ("PRTF", "ADJF", "NOUN") and not morph.has_pos(w.text, "PREP")


def split_executors(cell: str) -> list[str]:
    """Each responsible body or person of an executor cell, as written."""
    if not cell or not cell.strip():
        return []
    return list(_split_cached(cell))


@lru_cache(maxsize=4096)
def _split_cached(cell: str) -> tuple[str, ...]:
    text = cell.replace("\xa0", " ").replace("\r", "").replace("\t", " ")
    text = _drop_brackets(text)
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    joined: list[str] = []
    for i, ln in enumerate(lines):
        body = _LEAD.sub("", ln).strip()
        # judge a line by the words that start on it, wherever the cell wrapped them
        ahead = " ".join([body, *lines[i + 1 : i + 3]])
        if joined and _broken_word(joined[-1], ln):
            joined[-1] = joined[-1].rstrip() + ln
        elif joined and not _starts_body(ahead, joined[-1]):
            joined[-1] = joined[-1].rstrip() + " " + ln
        elif body:
            joined.append(body)
    out: list[str] = []
    for seg in joined:
        for piece in _split_hard(seg):
            for item in _split_commas(piece):
                for sub in _split_coord(item):
                    out.extend(_split_glued(sub))
    result: list[str] = []
    for item in out:
        item = _clean(item)
        if item and item not in result:
            result.append(item)
    return tuple(result)


def _clean(item: str) -> str:
    item = " ".join(item.split()).strip(" ,;:-–—")
    item = _LEAD.sub("", item).strip()
    m = re.match(r"(?:в|во)\s+(?=\S)", item)
    if m and _group_nominative(item[m.end() :]):
        item = item[m.end() :]
    if item.endswith(".") and not re.search(rf"(?:\b[{_UP}]\.|\b[а-яё]{{1,3}}\.)$", item):
        item = item[:-1].rstrip()
    return item


# ------------------------------------------------------------------ predicates


def _first_word(s: str) -> morph.Tok | None:
    return next(morph.words(s), None)


def _group_nominative(s: str) -> bool:
    """True when the noun group at the start of ``s`` can be nominative."""
    g = morph.head_group(s)
    if not g:
        return False
    last = g[-1].text
    if _is_abbr(last):
        return True
    return any(n.tag.case == "nomn" for n, _ in morph.readings(g))


def _is_abbr(w: str) -> bool:
    return len(w) > 1 and w.isupper()


def _head_lemma(s: str) -> str | None:
    g = morph.head_group(s)
    if not g:
        return None
    last = g[-1].text
    return last if _is_abbr(last) else morph.lemma(last)


@lru_cache(maxsize=8192)
def _lemmas(word: str) -> frozenset[str]:
    """Normal forms of ``word``; a hyphenated compound also has its head's ("пресс-секретарь",
    "вице-губернатор" are posts as "секретарь", "губернатор" are)."""
    out = morph.lemmas(word)
    if "-" in word.strip("-"):
        out = out | morph.lemmas(word.rsplit("-", 1)[1])
    return out


def _is_body_start(s: str, strict: bool) -> bool:
    """``s`` begins a body: a person, a legal form, a known acronym or a nominative group
    headed by a known body or post.  ``strict`` also refuses a lone noun that may be a
    genitive complement ("Администрации")."""
    s = s.lstrip()
    gz = gazetteer()
    if _person_at_start(s):
        return True
    w = _first_word(s)
    if w is None or w.start != 0:
        return bool(re.match(r"[«\"“]", s))
    if w.text in gz.forms and re.match(r"\s*[«\"“]", s[w.end :]):
        return True
    if w.text in gz.abbrs or (_is_abbr(w.text) and w.text[:-1] in gz.abbrs):
        return True
    g = morph.head_group(s)
    if not g:
        return False
    head = g[-1].text
    if _is_abbr(head):
        return head in gz.abbrs and len(g) > 1
    lem = _lemmas(head)
    if not (lem & (gz.heads | gz.roles)):
        return False
    readings = morph.readings(g)
    if not any(n.tag.case == "nomn" for n, _ in readings):
        return False
    return not (strict and len(g) == 1 and morph.can_be(head, "NOUN", "gent"))


def _person_at_start(s: str) -> re.Match[str] | None:
    for rx in (_PERSON_BEFORE, _PERSON_AFTER):
        m = rx.match(s)
        if m and _surname_ok(m.group("s")):
            return m
    return None


@lru_cache(maxsize=4096)
def _surname_ok(w: str) -> bool:
    """A capitalised word that can be a surname (dictionary surname or unknown word)."""
    ps = morph.parses(w)
    if any("Surn" in p.tag for p in ps):
        return True
    if not any(p.is_known for p in ps):
        return True
    gz = gazetteer()
    if _lemmas(w) & (gz.heads | gz.roles):
        return False
    # beside initials an adjective is a surname too ("Луговая Е.С.", "Толстой Л.Н.")
    return not any(p.tag.POS in ("NOUN", "PRTF", "VERB", "PREP", "CONJ") for p in ps[:1])


def _starts_body(line: str, prev: str) -> bool:
    """A line of a cell begins a new executor (else it continues ``prev``)."""
    p = prev.rstrip()
    if p.endswith((",", "-", "–", "—", "№")) or _open_quote(p) or line.startswith("("):
        return False
    if line[:1].isdigit():
        return False  # "Новгородское отделение №" / "8629 ПАО Сбербанк"
    if _INITIALS_FIRST.match(line) and re.search(rf"{SURNAME}$", p):
        return False  # "Кравец" / "Н.Ю.": initials wrapped from their surname
    segment = re.split(r"[,;]", p)[-1].strip()
    holder = _ABBRS_FIRST.sub("", line, count=1)
    if _person_at_start(holder) and _role_first(segment) and not _persons(segment):
        return False  # "Председатель палаты" / "[ТИК] Лаврентьев О.Г.": a post and its holder
    if _ends_with_post(segment) and _first_abbr(line):
        return False  # "секретарь" / "ТИК", "Председатели и секретари" / "УИК": posts and
        # the body they belong to
    if line[:1] in _OPEN_QUOTES and not p.endswith(_CLOSE_QUOTES):
        return False  # "редакция газеты" / "«Тобольская правда»": a name follows its head
    last = list(morph.words(p))
    if last and last[-1].end == len(p) and _needs_noun(last[-1].text):
        return False  # "Общественная" / "палата края": an adjective wrapped from its noun
    if _ends_with_part(p):
        return False  # "Тобольский филиал" / "ГАУ ДПО ТО …": a branch, then whose it is
    if last and last[-1].end == len(p) and last[-1].text in gazetteer().forms:
        return False  # "Саяногорское отделение ПАО" / "Сбербанк": a legal form, then the name
    if _first_abbr(line) and _role_first(segment) and _genitive_end(last, p):
        return False  # "Члены рабочей группы" / "ТИК по приему …": the body of the group
    if (
        last
        and last[-1].end == len(p)
        and morph.is_pos(last[-1].text, "PREP", "CONJ")
        and not _is_abbr(last[-1].text)
    ):
        return False
    if _place_first(line) or (last and _place_first(last[-1].text) and _unknown_first(line)):
        return False  # "… по Республике" / "Марий Эл": a place name completes the line above
    if _bare_head(segment) and _complement_first(line):
        return False  # "Управление" / "Министерства юстиции …": a bare head and its complement
    if line[:1].islower():
        if _is_body_start(line, strict=True):
            return True
        return _is_body_start(line, strict=False) and _closes_body(last)
    if _is_body_start(line, strict=True):
        return True
    # a genitive group continues the previous line ("… муниципального района"), and so
    # does a line of adjectives whose noun is wrapped onto the next line
    if morph.head_group(line):
        return _group_nominative(line)
    first = _first_word(line)
    return not (first and first.start == 0 and _needs_noun(first.text))


_ABBRS_FIRST = re.compile(r"^(?:[А-ЯЁ]{2,}\s+)+")
_OPEN_QUOTES = ("«", '"', "„", "“")
_CLOSE_QUOTES = ("»", '"', "”", "“")


_UNIT_NUMBER = re.compile(r"\s*(?:№|N)\s*\d[\d/-]*$")


def _ends_with_part(line: str) -> bool:
    """The line ends with a unit of a body, numbered or not ("… филиал", "отделение
    № 8637"): its owner comes next."""
    words = list(morph.words(_UNIT_NUMBER.sub("", line)))
    return bool(words) and bool(_lemmas(words[-1].text) & gazetteer().parts)


def _genitive_end(words: list[morph.Tok], line: str) -> bool:
    """The line ends with a body in the genitive ("… рабочей группы"): its owner may
    follow as an acronym."""
    if not words or words[-1].end != len(line) or _is_abbr(words[-1].text):
        return False
    w = words[-1].text
    return bool(_lemmas(w) & gazetteer().heads) and morph.can_be(w, "NOUN", "gent")


def _first_abbr(line: str) -> bool:
    w = _first_word(line)
    return w is not None and w.start == 0 and _is_abbr(w.text) and w.text in gazetteer().abbrs


def _ends_with_post(segment: str) -> bool:
    """The segment's last word is a post with nothing after it ("… секретарь")."""
    words = list(morph.words(segment))
    if not words or words[-1].end != len(segment.rstrip()) or _is_abbr(words[-1].text):
        return False
    return bool(_lemmas(words[-1].text) & gazetteer().roles)


def _bare_head(segment: str) -> bool:
    """The segment is one noun naming a kind of body or post ("Управление", "организации")."""
    words = list(morph.words(segment))
    if len(words) != 1 or words[0].start != 0 or _is_abbr(words[0].text):
        return False
    gz = gazetteer()
    return bool(_lemmas(words[0].text) & (gz.heads | gz.roles | gz.generic))


def _complement_first(line: str) -> bool:
    """The line starts with a genitive word that may complete a bare head ("Министерства
    юстиции", "телерадиовещания"), not with a body, a person or an acronym of its own."""
    w = _first_word(line)
    if w is None or w.start != 0 or _is_abbr(w.text) or _person_at_start(line):
        return False
    if _lemmas(w.text) & gazetteer().generic:
        return False
    return morph.can_be(w.text, "NOUN", "gent") or morph.can_be(w.text, "ADJF", "gent")


def _place_first(line: str) -> bool:
    """The line starts with a place: a geographic name ("Марий Эл", "Башкортостан") or a
    territory in an oblique case ("Республики …", "области") — never the start of a body."""
    w = _first_word(line)
    if w is None or w.start != 0:
        return False
    if _is_abbr(w.text):  # "РФ": a country written short
        return w.text.lower() in gazetteer().places
    ps = morph.parses(w.text)
    if ps and "Geox" in ps[0].tag and w.text[:1].isupper():
        return True
    return bool(ps) and ps[0].normal_form in gazetteer().places and ps[0].tag.case != "nomn"


_INITIALS_FIRST = re.compile(rf"^{INITIALS}(?:\s|,|;|$)")


def _role_first(segment: str) -> bool:
    """The segment begins with a post ("Руководитель штаба …", "Системный администратор …")."""
    group = morph.head_group(segment)
    return bool(group) and bool(_lemmas(group[-1].text) & gazetteer().roles)


def _unknown_first(line: str) -> bool:
    """The line starts with a word no dictionary knows ("Эл" of "Марий Эл")."""
    w = _first_word(line)
    return w is not None and w.start == 0 and not _is_abbr(w.text) and not morph.is_known(w.text)


def _broken_word(prev: str, line: str) -> bool:
    """A word wrapped without a hyphen ("зарегистрированны" / "й списка"): neither half
    is a dictionary word, the two together are."""
    m = re.search(r"([А-Яа-яЁё]+)$", prev)
    n = re.match(r"([а-яё]+)", line)
    if not m or not n:
        return False
    a, b = m.group(1), n.group(1)
    halves_known = morph.is_known(a) or (len(b) > 2 and morph.is_known(b))
    return not halves_known and morph.is_known(a + b)


def _open_quote(s: str) -> bool:
    """A quotation opened on this line and not closed: the name goes on."""
    return s.count('"') % 2 == 1 or s.count("«") > s.count("»") or s.count("“") > s.count("”")


def _needs_noun(word: str) -> bool:
    """A full adjective or participle that cannot end a name: its noun follows."""
    if _is_abbr(word):
        return False
    ps = morph.parses(word)
    return bool(ps) and all(p.tag.POS in ("ADJF", "PRTF") for p in ps[:2])


def _closes_body(prev: list[morph.Tok]) -> bool:
    """The previous line ends a complete body, so a lone noun after it ("организации")
    starts a list item rather than a genitive complement: it ends in a nominative plural
    ("иные органы") or already has its own genitive complement ("… телерадиовещания")."""
    if not prev:
        return False
    w = prev[-1].text
    if _is_abbr(w):
        return True
    ps = morph.parses(w)
    if any(p.tag.POS == "NOUN" and p.tag.case == "nomn" and p.tag.number == "plur" for p in ps):
        return True
    return len(prev) >= 2 and any(p.tag.case == "gent" for p in ps[:1])


# ------------------------------------------------------------------ splitters


def _split_masked(s: str, rx: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of separators matched by ``rx`` outside quotes."""
    masked = _mask_quotes(s)
    return [(m.start(), m.end()) for m in rx.finditer(masked)]


def _cut(s: str, spans: list[tuple[int, int]]) -> list[str]:
    out, pos = [], 0
    for a, b in spans:
        out.append(s[pos:a])
        pos = b
    out.append(s[pos:])
    return [x for x in (y.strip() for y in out) if x]


def _split_hard(s: str) -> list[str]:
    return _cut(s, _split_masked(s, _HARD))


def _starts_modifier(piece: str) -> bool:
    """A comma piece that modifies the previous one: participle, relative clause, genitive."""
    w = _first_word(piece)
    if w is None:
        return True
    if w.start != 0:
        return False
    t = w.text
    if _is_abbr(t) or _is_body_start(piece, strict=True):
        return False  # "уполномоченные представители …": a participle as the adjective of a body
    ps = morph.parses(t)
    if ps[0].tag.POS in ("PRTF", "GRND", "PRTS") or (
        ps[0].tag.POS == "ADJF" and any(p.tag.POS == "PRTF" for p in ps)
    ):
        return True
    if morph.lemma(t) in _REL:
        return True
    if ps[0].tag.POS in ("PREP", "CONJ", "ADVB", "PRCL"):
        return True
    return not _group_nominative(piece) and not _person_at_start(piece)


def _shares_complement(first: str, second: str) -> bool:
    """ "Собственники, владельцы помещений": a bare plural noun coordinated with a body
    whose complement (genitive or participial phrase) both share."""
    toks = list(morph.words(first))
    if len(toks) != 1 or _is_abbr(toks[0].text) or first.strip() != toks[0].text:
        return False
    if not any(
        p.tag.POS == "NOUN" and p.tag.case == "nomn" and p.tag.number == "plur"
        for p in morph.parses(toks[0].text)
    ):
        return False
    g = morph.head_group(second)
    if not g or _is_abbr(g[-1].text) or not _is_body_start(second, strict=False):
        return False
    if not any(n.tag.number == "plur" and n.tag.case == "nomn" for n, _ in morph.readings(g)):
        return False
    tail = second[g[-1].end :].strip()
    w = _first_word(tail)
    if w is None or _is_body_start(tail.lstrip(", "), strict=True):
        return False
    if tail.startswith(","):
        return morph.is_pos(w.text, "PRTF")
    return (
        w.start == 0
        and morph.can_be(w.text, "NOUN", "gent")
        and not morph.has_pos(w.text, "CONJ", "PREP", "PRCL")
        and not _is_abbr(w.text)
    )


def _has_participle(s: str) -> bool:
    for t in morph.words(_mask_quotes(s)):
        ps = morph.parses(t.text)
        if ps[0].tag.POS in ("PRTF", "GRND") and "_" not in t.text:
            return True
    return False


def _split_commas(s: str) -> list[str]:
    pieces = _cut(s, _split_masked(s, re.compile(r"\s*,\s*")))
    out: list[str] = []
    in_phrase = False
    for p in pieces:
        if out and _post_of_person(out[-1], p):
            out[-1] = out[-1] + ", " + p  # "Иванова А.С., секретарь ТИК": a person and her post
            continue
        if out and (_starts_modifier(p) or (in_phrase and not _is_body_start(p, strict=False))):
            out[-1] = out[-1] + ", " + p
            in_phrase = in_phrase or _has_participle(p)
            continue
        out.append(p)
        in_phrase = _has_participle(p)
    if len(out) == 2 and _shares_complement(out[0], out[1]):
        out = [out[0] + ", " + out[1]]
    return out


def _post_of_person(before: str, after: str) -> bool:
    """``before`` is only a person's name and ``after`` begins with a post in lower case."""
    m = _person_at_start(before.strip())
    if m is None or m.end() != len(before.strip()) or not after[:1].islower():
        return False
    w = _post_noun(after)
    if w is None or not _lemmas(w.text) & gazetteer().roles:
        return False
    return morph.can_be(w.text, "NOUN", "nomn") and not _plural_only(w.text)


def _post_noun(s: str) -> morph.Tok | None:
    """The noun of a post at the very start of ``s``, after any adjectives ("ответственный
    секретарь", "главный специалист")."""
    for k, w in enumerate(morph.words(s)):
        if k == 0 and w.start != 0:
            return None
        if not morph.can_be(w.text, "ADJF", "nomn") or morph.can_be(w.text, "NOUN", "nomn"):
            return w
        if k >= 2:
            return None
    return None


def _plural_only(word: str) -> bool:
    """Every nominative reading is plural ("члены"): a group, not one person's post."""
    nomn = [p for p in morph.parses(word) if p.tag.POS == "NOUN" and p.tag.case == "nomn"]
    return bool(nomn) and all(p.tag.number == "plur" for p in nomn)


def _complete_body(s: str) -> bool:
    """``s`` has a noun (or a person/acronym), i.e. is not a bare adjective."""
    return any(_is_abbr(t.text) or morph.has_pos(t.text, "NOUN") for t in morph.words(s))


def _split_coord(s: str) -> list[str]:
    spans = _split_masked(s, _COORD)
    cuts = []
    start = 0
    for a, b in spans:
        left, right = s[start:a], s[b:]
        if _posts_of_one_body(left, right):
            continue  # "Председатель и секретарь ТИК": two posts, one body named once
        if (
            _complete_body(left)
            and _is_body_start(right, strict=False)
            and not (_has_participle(left) and not _is_body_start(right, strict=True))
        ):
            cuts.append((a, b))
            start = b
    return _cut(s, cuts)


def _posts_of_one_body(left: str, right: str) -> bool:
    """A bare post coordinated with a post of a body ("Председатели и члены УИК"): the
    body is named once for both, and so is the executor."""
    gz = gazetteer()
    toks = list(morph.words(left))
    if len(toks) != 1 or left.strip() != toks[0].text:
        return False
    if not _lemmas(toks[0].text) & gz.roles:
        return False
    first = _first_word(right)
    if first is None or first.start != 0 or not _lemmas(first.text) & gz.roles:
        return False
    return bool(right[first.end :].strip())  # the second post names the body


def _split_glued(s: str) -> list[str]:
    """Split bodies written one after another without a separator."""
    gz = gazetteer()
    masked = _mask_quotes(s)
    cuts: set[int] = set()
    for m in _persons(masked):
        if m.start() > 0 and not _role_before(s[: m.start()]):
            cuts.add(m.start())
        rest = s[m.end() :]
        if rest.strip() and rest.lstrip()[:1].isupper():
            cuts.add(m.end())
    # legal forms with a quoted name, capitalised nominative body groups
    toks = list(morph.words(masked))
    for i, t in enumerate(toks):
        if i == 0 or not t.text[:1].isupper():
            continue
        prev = toks[i - 1]
        gap = masked[prev.end : t.start]
        if gap.strip() or "_" in t.text:
            continue
        if morph.is_pos(prev.text, "PREP", "CONJ") and not _is_abbr(prev.text):
            continue
        if prev.text in gz.forms:
            continue
        if t.text in gz.forms and re.match(r"\s*[«\"“]", s[t.end :]):
            cuts.add(t.start)
            continue
        if _is_abbr(t.text):
            continue
        if _person_at_start(s[t.start :]):
            continue  # persons are cut above
        if _is_body_start(s[t.start :], strict=True) and _complete_body(s[: t.start]):
            cuts.add(t.start)
    if not cuts:
        return [s]
    # a name glued to the surname of a person found above is one person, not two bodies
    pieces = []
    pos = 0
    for c in sorted(cuts):
        pieces.append(s[pos:c])
        pos = c
    pieces.append(s[pos:])
    return [p.strip() for p in pieces if p.strip()]


def _persons(s: str) -> list[re.Match[str]]:
    """Non-overlapping person names, left to right ("Смирнов А.А. Кузнецова Т.Н." → two)."""
    out: list[re.Match[str]] = []
    pos = 0
    while True:
        found = [m for m in (_PERSON_AFTER.search(s, pos), _PERSON_BEFORE.search(s, pos)) if m]
        found = [m for m in found if _surname_ok(m.group("s"))]
        if not found:
            return out
        m = min(found, key=lambda x: (x.start(), x.re is not _PERSON_AFTER))
        out.append(m)
        pos = m.end()


def _role_before(prefix: str) -> bool:
    """``prefix`` (text before a person's name) is a post: "Председатель ТИК"."""
    g = morph.head_group(prefix.strip())
    if not g:
        return False
    return bool(_lemmas(g[-1].text) & gazetteer().roles)


# ------------------------------------------------------------------ canonical names


def canonical_executors(names: list[str], glossary: Glossary) -> list[str]:
    """``names`` with short names expanded and the head group in the nominative."""
    out: list[str] = []
    for name in names:
        key = "executor:" + name  # the same bodies come back row after row
        c = glossary.memo.get(key)
        if c is None:
            c = glossary.memo[key] = _canonical(name, glossary)
        if c and c not in out:
            out.append(c)
    return out


def _canonical(name: str, glossary: Glossary) -> str:
    s = " ".join(name.split())
    p = _person_at_start(s)
    if p and p.end() >= len(s.rstrip(". ")):
        initials = re.sub(r"\s+", "", p.group("i"))
        return f"{p.group('s')} {initials}"
    if glossary:
        s = glossary.expand(s, inflect=True)
    s = morph.to_nominative(s)
    return s[:1].upper() + s[1:]

"""The free text around a plan table: title, kind, issuer, act, approval, anchor dates.

Grammar, line based (lines are joined where a phrase runs on):

    title      = "Календарный план …" | "ПЛАН работы …" | "План мероприятий …"
                 (+ continuation lines)
    act        = "Приложение к постановлению|решению <body> от <date> № <number>"
               | "УТВЕРЖДЕН(О/А) постановлением <body> от <date> № <number>"
    approval   = "УТВЕРЖДАЮ" <post of body> … <signature name> … <date>
    publication= "Дата официального опубликования … решения о назначении выборов" … <date>
    voting day = "День голосования – <date>" | "в единый день голосования <date>"
               | "дни голосования 6, 7 и 8 сентября 2024 года" | "17-19 сентября 2021 года"

Dates are read with a small month vocabulary (no dateparser needed): "14 июня 2019 года",
"«05» февраля 2021 г.", "18.06.2019", "29.07. 2019".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from parsers import morph
from parsers.lexicon import PERSON

MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_MONTH = (
    r"(?P<mon>январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?"
    r"|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
)
_YEAR_TAIL = r"(?:\s*(?:г\.|года|год|г(?![а-яё])))?"
_DAY_LIST = r"(?P<days>\d{1,2}(?:\s*(?:,|и|[-–—])\s*\d{1,2})*)"
_TEXT_DATE = re.compile(
    rf"[«\"“]?{_DAY_LIST}[»\"”]?\s+{_MONTH}\s+(?P<year>\d{{4}}){_YEAR_TAIL}", re.IGNORECASE
)
_TEXT_DATE_NOYEAR = re.compile(rf"{_DAY_LIST}\s+{_MONTH}(?!\s+\d{{4}})", re.IGNORECASE)
_NUM_DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\s*\.\s*(?P<m>\d{1,2})\s*\.\s*(?P<y>\d{4}|\d{2})(?![\d])"
)
_NUMBER_SIGN = r"(?:№|\bN(?=\s*\d))"  # "№ 14/73", or "N 14/73" where № cannot be typed
_ACT_NO = re.compile(rf"(?:за\s+)?{_NUMBER_SIGN}\s*(?P<no>[0-9А-Яа-яЁё][\w/.\-]*\w|\d)")
_TITLE_START = re.compile(
    r"^\s*(?:\*\*)?\s*(?:КАЛЕНДАРНЫЙ\s+ПЛАН|Календарный\s+план|ПЛАН|План|КАЛЕНДАРЬ|Календарь"
    r"|ПЕРЕЧЕНЬ|Перечень|ГРАФИК|График)(?![а-яёА-ЯЁ])"
)
_LABEL = re.compile(
    r"^\s*(?:Дата\s+официального|День\s+голосования|Дни\s+голосования|Приложение|УТВЕРЖД|Утвержд"
    r"|№\s*(?:п/п)?\s*$|п/п)",
    re.IGNORECASE,
)
_ACT_WORD = r"(?:постановлени[юяе]м?|решени[юяе]м?|распоряжени[юяе]м?|приказ(?:ом|у)?)"
_BODY_AFTER_ACT = re.compile(
    rf"{_ACT_WORD}\s+(?P<body>.+?)(?=\s+от\s+[«\"“]?\d|\s*(?:за\s+)?{_NUMBER_SIGN}|\s*$)",
    re.IGNORECASE,
)


@dataclass
class Header:
    """What the document says about itself outside the table."""

    title: str | None = None
    kind: str = "other"  # 'election_calendar' | 'work_plan' | 'other'
    issuer: str | None = None
    act_date: date | None = None
    act_number: str | None = None
    approved_by: str | None = None
    publication_date: date | None = None
    voting_day: date | None = None
    voting_last_day: date | None = None
    year: int | None = None


def _month(word: str) -> int:
    w = word.lower()
    for stem in sorted(MONTHS, key=len, reverse=True):
        if w.startswith(stem):
            return MONTHS[stem]
    raise ValueError(word)


def _mk(y: int, m: int, d: int) -> date | None:
    if y < 100:
        y += 2000
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, date]]:
    """Single explicit dates in ``text`` with their positions, in order."""
    out: list[tuple[int, date]] = []
    for m in _TEXT_DATE.finditer(text):
        day = int(re.findall(r"\d{1,2}", m.group("days"))[0])
        d = _mk(int(m.group("year")), _month(m.group("mon")), day)
        if d:
            out.append((m.start(), d))
    for m in _NUM_DATE.finditer(text):
        d = _mk(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if d:
            out.append((m.start(), d))
    out.sort(key=lambda x: x[0])
    return out


def first_date(text: str) -> date | None:
    """The first explicit date in ``text``."""
    ds = find_dates(text)
    return ds[0][1] if ds else None


def _clean_lines(lines: list[str]) -> list[str]:
    out = []
    for ln in lines:
        ln = ln.replace("\xa0", " ").replace("\t", " ")
        ln = re.sub(r"\*\*|__|</?\w+[^>]*>", " ", ln)
        out.append(" ".join(ln.split()))
    return out


def parse_header(lines: list[str]) -> Header:
    """Header facts from the free-text lines before/around the plan table."""
    ls = _clean_lines(lines)
    h = Header()
    h.title = _title(ls)
    text = "\n".join(ls)
    h.kind = _kind(h.title, text)
    _act(ls, h)
    _approval(ls, h)
    h.publication_date = _labelled_date(
        ls, re.compile(r"опубликовани", re.I), _LABEL_STOP
    ) or _stated_publication(text)
    _voting(ls, h)
    h.year = _year(h, text)
    return h


_LABEL_STOP = re.compile(r"^\s*(?:День|Дни)\s+голосования", re.IGNORECASE)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁ])")
_PUBLISHED = re.compile(r"(?<![а-яё])(?:официально\s+)?опубликова(?:н|ни)[а-яё]*", re.IGNORECASE)
_CALLING = re.compile(r"назначени|назначен[аоы]|выбор|референдум", re.IGNORECASE)


_TIME_AFTER = re.compile(r"\s*(?:г\.|года)?\s*,?\s*\d{1,2}:\d{2}")


def _date_end(text: str, start: int) -> int:
    """End of the date that starts at ``start``."""
    m = _TEXT_DATE.match(text, start) or _NUM_DATE.match(text, start)
    return m.end() if m else start


_BACK_REFERENCE = re.compile(
    r"\s*(?:указанное\s+|данное\s+|это\s+|названное\s+)?(?:решение|постановление|оно)\b", re.I
)


def _stated_publication(text: str) -> date | None:
    """The publication date in a run-in sentence: "Решение о назначении выборов официально
    опубликовано 10 июня 2025 года", "Выборы назначены постановлением … от 16 июня,
    официально опубликованным в газете «…» 18 июня 2026 г." — the first date after the verb."""
    calling_before = False
    for sentence in _SENTENCE_END.split(" ".join(text.split("\n"))):
        m = _PUBLISHED.search(sentence)
        # the calling decision named here, or in the sentence before ("Выборы назначены
        # решением … Решение официально опубликовано в газете «…» 15 июня 2034 года.")
        about_it = _CALLING.search(sentence) or (calling_before and _BACK_REFERENCE.match(sentence))
        calling_before = bool(_CALLING.search(sentence))
        if m and about_it:
            rest = sentence[m.end() :]
            ds = find_dates(rest)
            if ds and not _TIME_AFTER.match(rest, _date_end(rest, ds[0][0])):
                return ds[0][1]  # (not a web page's own "Опубликовано: 14.06.2028 09:15")
    return None


def _title(ls: list[str]) -> str | None:
    best: str | None = None
    for i, ln in enumerate(ls):
        m = _TITLE_START.match(ln)
        if not m or _says_something(ln[m.end() :]):
            continue
        parts = [ln]
        j = i + 1
        while j < len(ls):
            nxt = ls[j]
            if not nxt:
                # a blank line ends the title unless the title is a bare "ПЛАН"
                if len(parts) == 1 and len(parts[0].split()) <= 2:
                    j += 1
                    continue
                k = j
                while k < len(ls) and not ls[k]:
                    k += 1
                if k < len(ls) and ls[k][:1].islower() and not _LABEL.match(ls[k]):
                    j = k
                    continue
                break
            if _LABEL.match(nxt) or _TITLE_START.match(nxt):
                break
            if (
                nxt[:1].islower()
                or _runs_on(parts[-1])
                or _TEXT_DATE.fullmatch(nxt.strip(" ."))
                or _complement_first(nxt, capitals=parts[-1].isupper())
            ):
                parts.append(nxt)
                j += 1
                continue
            break
        cand = " ".join(" ".join(parts).split()).strip(" .")
        if best is None or _title_score(cand) > _title_score(best):
            best = cand
    return best


def _says_something(rest: str) -> bool:
    """A sentence about the plan, not its title: "Календарный план составлен …"."""
    w = next(morph.words(rest), None)
    return w is not None and morph.is_pos(w.text.lower(), "PRTS", "VERB")


def _complement_first(line: str, capitals: bool = False) -> bool:
    """A wrapped title line that starts with a complement of the line above: a place name
    ("Марий Эл седьмого созыва") or a capitalised word in an oblique case ("Государственного
    Собрания …"); in a title set in ``capitals``, a word in capitals ("ШАДРИНСКОЙ ГОРОДСКОЙ
    ДУМЫ")."""
    w = next(morph.words(line), None)
    if w is None or w.start != 0:
        return False
    word = w.text
    if len(word) > 1 and word.isupper():
        if not (capitals and line.isupper()):
            return False
        word = word.lower()
    ps = morph.parses(word)
    if not ps or not any(p.is_known for p in ps[:1]):
        return True
    first = ps[0]
    return "Geox" in first.tag or first.tag.case in ("gent", "datv", "ablt", "loct")


def _runs_on(line: str) -> bool:
    """``line`` ends mid-phrase (a preposition, conjunction, or a bare title word)."""
    ws = line.split()
    if not ws:
        return False
    if len(ws) <= 2 and _TITLE_START.match(line):
        return True
    last = re.sub(r"[^\wА-Яа-яЁё-]", "", ws[-1])
    return bool(last) and morph.has_pos(last, "PREP", "CONJ")


def _title_score(t: str) -> tuple[int, int]:
    informative = int(bool(re.search(r"выбор|референдум|работы|мероприяти", t, re.I)))
    return (informative + int(len(t.split()) > 3), len(t))


def _kind(title: str | None, text: str) -> str:
    for src in (title or "", text):
        low = src.lower()
        if re.search(
            r"календарн\w*\s+план|календар\w*\s+(?:избирательных\s+)?(?:действий|мероприятий)", low
        ):
            return "election_calendar"
        if re.search(
            r"по\s+подготовке\s+и\s+проведению\s+(?:\w+\s+){0,3}(?:выбор|референдум|голосовани)",
            low,
        ):
            return "election_calendar"
        if re.search(r"план\w*\s+(?:\w+\s+)?(?:работы|мероприятий|деятельности)", low):
            return "work_plan"
    if title and re.match(r"\s*план\b", title, re.I):  # "План обучения …", "План-график …"
        return "work_plan"
    return "other"


def _join_block(ls: list[str], i: int, limit: int = 6) -> str:
    """Line ``i`` and the following non-empty lines of its block."""
    out = [ls[i]]
    for ln in ls[i + 1 : i + 1 + limit]:
        if not ln:
            continue
        if _TITLE_START.match(ln) or _LABEL_STOP.match(ln) or re.match(r"Дата\s", ln):
            break
        out.append(ln)
        if _ACT_NO.search(ln) or (_NUM_DATE.search(ln) and re.search(r"\bот\b", ln)):
            break
    return " ".join(out)


_APPROVING_SENTENCE = re.compile(
    rf"^\s*(?:{_ACT_WORD})\s.*?\bот\s.*?\s(?:утвержд[её]н|одобрен)", re.IGNORECASE
)


def _act(ls: list[str], h: Header) -> None:
    for i, ln in enumerate(ls):
        run_in = _APPROVING_SENTENCE.match(ln)  # "Решением ТИК от … № … утвержден план"
        if not run_in and not re.match(
            r"^\s*(?:Приложение|ПРИЛОЖЕНИЕ|УТВЕРЖДЕН|Утвержден|ОДОБРЕН|Одобрен)", ln
        ):
            continue
        block = run_in.group(0) if run_in else _join_block(ls, i)
        block = re.sub(r"^\s*ПРИЛОЖЕНИЕ\s*(?:№\s*\d+)?", "", block, flags=re.I)
        m = _BODY_AFTER_ACT.search(block)
        if m and not h.issuer:
            h.issuer = _body_name(m.group("body"))
        n = _ACT_NO.search(block)
        if n and not h.act_number:
            h.act_number = n.group("no")
        dm = re.search(r"\bот\s+(.*)", block)
        if dm and not h.act_date:
            h.act_date = first_date(dm.group(1))
        if h.act_number or h.act_date:
            return


def _body_name(raw: str) -> str:
    s = " ".join(raw.split()).strip(" ,.")
    s = morph.to_nominative(s, "sing")
    return s[:1].upper() + s[1:]


_APPROVES = re.compile(r"^\s*(?:УТВЕРЖДАЮ|Утверждаю)")
_AGREES = re.compile(r"^\s*(?:СОГЛАСОВАНО|Согласовано)")


def _approval(ls: list[str], h: Header) -> None:
    """The "УТВЕРЖДАЮ" block: who approved, when, whose plan ("СОГЛАСОВАНО" names whoever
    agreed to it, not its approver)."""
    for i in [i for i, ln in enumerate(ls) if _APPROVES.match(ln)]:
        ln = ls[i]
        block: list[str] = []
        rest = ln.split(None, 1)[1] if len(ln.split(None, 1)) > 1 else ""
        if rest:
            block.append(rest)
        for nxt in ls[i + 1 : i + 14]:
            if _TITLE_START.match(nxt) or _APPROVES.match(nxt) or _AGREES.match(nxt):
                break
            if nxt:
                block.append(nxt)
        post: list[str] = []
        for b in block:
            nm = PERSON.search(b)
            if nm and not h.approved_by and _plausible_name(nm.group("name")):
                h.approved_by = nm.group("name")
                before = b[: nm.start()].strip(" _")
                if before:
                    post.append(before)
                continue
            if h.approved_by is None and not find_dates(b):
                post.append(b)
            d = first_date(b)
            if d and not h.act_date:
                h.act_date = d
        if post and not h.issuer:
            h.issuer = _issuer_from_post(" ".join(post))
        return


def _plausible_name(name: str) -> bool:
    sur = re.sub(r"[А-ЯЁ]\.\s?", "", name).strip()
    ps = morph.parses(sur)
    if any("Surn" in p.tag for p in ps) or not any(p.is_known for p in ps):
        return True
    return not morph.has_pos(sur, "PREP", "CONJ", "VERB") and sur[:1].isupper()


def _issuer_from_post(post: str) -> str | None:
    """ "Руководитель общественного штаба …" → "Общественный штаб …"."""
    s = " ".join(post.split()).strip(" _,.")
    toks = list(morph.words(s))
    if not toks:
        return None
    # skip the post itself (its head noun) and take its genitive complement
    g = morph.head_group(s)
    if g and len(toks) > len(g):
        rest = s[g[-1].end :].strip()
        if rest:
            return _body_name(rest)
    return s


_VOTING = re.compile(
    r"(?:(?:единый\s+)?(?:день|дни|дней|дата)\s+голосования|голосование\s+(?:состоится|проводится))"
    r"\s*[:\-–—]?\s*(?:[-–—]\s*)?",
    re.IGNORECASE,
)
_DAYS_SPAN = re.compile(
    rf"(?:с\s+)?(?P<d1>\d{{1,2}})(?:\s*(?:,|и)\s*\d{{1,2}})*\s*(?:[-–—]|по|,|и)\s*(?P<d2>\d{{1,2}})\s+{_MONTH}"
    rf"(?:\s+(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)


_DAY_NO_YEAR = re.compile(rf"\s*[-–—:]?\s*(?P<d>\d{{1,2}})\s+{_MONTH}(?!\s*\d)", re.I)


def _voting(ls: list[str], h: Header) -> None:
    text = "\n".join(ls)
    for m in _VOTING.finditer(text):
        after = text[m.end() : m.end() + 200]
        # the date may be a few lines below the label
        after = re.split(r"\n\s*(?:Дата|Приложение|УТВЕРЖД|№)", after)[0]
        # "Дни голосования на выборах депутатов … – 18, 19 и 20 сентября": past the dash
        dash = re.match(r"[^–—.]{10,300}?\s[–—]\s", after.replace("\n", " "))
        if dash and not find_dates(after.replace("\n", " ")[: dash.end()]):
            after = after.replace("\n", " ")[dash.end() :]
        span = _DAYS_SPAN.match(after.strip())
        year = None
        if span:
            year = int(span.group("year")) if span.group("year") else _any_year(text)
            if year:
                mon = _month(span.group("mon"))
                a, b = _mk(year, mon, int(span.group("d1"))), _mk(year, mon, int(span.group("d2")))
                if a and b:
                    h.voting_day, h.voting_last_day = a, b
                    return
        ds = find_dates(after)
        if ds and ds[0][0] < 80:
            h.voting_day = ds[0][1]
            _voting_days_listed(after.split("\n")[0], h)
            return
        day = _DAY_NO_YEAR.match(after)  # "… в единый день голосования 16 сентября."
        year = _any_year(h.title or "") or _any_year(text)
        if day and year:
            h.voting_day = _mk(year, _month(day.group("mon")), int(day.group("d")))
            return
    # no label: an election's title or a "Выборы <date>" line names its (first) voting day
    for src in (h.title or "", *(ln for ln in ls if re.match(r"\s*выборы\s", ln, re.I))):
        if not re.search(r"выбор|референдум|голосовани", src, re.I):
            continue
        for m in _TEXT_DATE.finditer(src):
            before = src[: m.start()].rstrip().lower()
            if not before.endswith(("от", "№")) and not re.search(r"\bна\s*$", before):
                h.voting_day = _mk(int(m.group("year")), _month(m.group("mon")),
                                   int(re.split(r"\D+", m.group("days"))[0]))  # fmt: skip
                return


def _voting_days_listed(line: str, h: Header) -> None:
    """ "12 сентября 2027 года (голосование проводится … – 10, 11 и 12 сентября)": the stated
    day is the last of several; the voting day is the first."""
    day = h.voting_day
    for m in _DAYS_SPAN.finditer(line):
        if day is None or _month(m.group("mon")) != day.month:
            continue
        first, last = (
            _mk(day.year, day.month, int(m.group("d1"))),
            _mk(day.year, day.month, int(m.group("d2"))),
        )
        if first and last and first < last and first <= day <= last:
            h.voting_day, h.voting_last_day = first, last
            return


def _any_year(text: str) -> int | None:
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", text)
    return int(m.group(1)) if m else None


def _labelled_date(ls: list[str], label: re.Pattern[str], stop: re.Pattern[str]) -> date | None:
    for i, ln in enumerate(ls):
        if not (re.match(r"^\s*Дата\b", ln, re.I) and label.search(ln)):
            continue
        m = label.search(ln)
        assert m is not None
        d = first_date(ln[m.end() :])
        if d:
            return d
        for nxt in ls[i + 1 : i + 8]:
            if stop.match(nxt):
                break
            d = first_date(nxt)
            if d:
                return d
    return None


def _year(h: Header, text: str) -> int | None:
    m = re.search(r"на\s+(20\d{2})\s*(?:год|г\.)", text, re.IGNORECASE)
    if m:
        return int(m.group(1))
    for d in (h.act_date, h.voting_day, h.publication_date):
        if d:
            return d.year
    return None

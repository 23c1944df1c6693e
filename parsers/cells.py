"""Language of plan cells, shared by the table reader and the flattened-text segmenter.

Everything here is about the wording of Russian plan tables in general: whitespace and
markup clean-up, the phrases a deadline cell opens with, parenthesised legal references,
bodies named in the nominative (executors), topic headings, column headers and page
furniture. Nothing here knows about file formats or a particular document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

from parsers.lexicon import PERSON
from parsers.row import PlanRow

Role = Literal["item_no", "action", "deadline", "executor", "basis", "extra"]
_ROLE_HEADERS: list[tuple[Role, re.Pattern[str]]] = [
    ("item_no", re.compile(r"^(?:№|n|no|nn|номер)\b|п/п|^№|^пп\.?$|^п\.п\.?$", re.I)),
    ("extra", re.compile(r"отметк|примечан|результат|контрол|выполнени[ея]\b", re.I)),
    ("deadline", re.compile(r"срок|дата|период|когда|время\s+(?:проведения|исполнения)", re.I)),
    ("executor", re.compile(r"исполнител|ответствен|\bкто\b|соисполн", re.I)),
    ("action", re.compile(r"мероприят|содержан|наименован|вид\w*\s+работ|действи|работ\w*$", re.I)),
    ("basis", re.compile(r"основани|правов|норматив|ссылк|закон", re.I)),
]


_LABEL = re.compile(  # "Срок: …", also as a list entry ("   - Срок: …", "• Срок: …")
    r"^\s*(?:[-–—•*]\s+)?(?P<label>[А-ЯЁа-яё][А-ЯЁа-яё() ]{2,40}?)\s*:\s*(?P<value>.*)$"
)
LABEL_ROLES: tuple[Role, ...] = ("deadline", "executor", "basis")


def labelled(line: str) -> tuple[Role, str] | None:
    """A line that names the cell it gives ("Срок: …", "Ответственный: …", "Основание:
    …"): that cell's role and its text."""
    m = _LABEL.match(line)
    role = column_role(m.group("label")) if m else None
    if m is None or role not in LABEL_ROLES:
        return None
    return role, m.group("value").strip()


def column_role(text: str) -> Role | None:
    """The role a column header (or a "Срок: …" label) names, if any: the role of the
    word that comes first ("Сроки выполнения" is a deadline, "Отметка о выполнении" a
    remark, "Ответственные за выполнение" executors)."""
    t = clean_line(text).lower()
    if not t or len(t) > 80:
        return None
    found = [(m.start(), k) for k, (_, rx) in enumerate(_ROLE_HEADERS) if (m := rx.search(t))]
    return _ROLE_HEADERS[min(found)[1]][0] if found else None


# --- clean-up -------------------------------------------------------------------------

_TAG = re.compile(
    r"</?(?:p|ul|ol|li|br|span|div|b|i|u|s|strong|em|sup|sub|font|a|td|tr|th|table|tbody)"
    r"\b[^<>]*/?>",
    re.I,
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@lru_cache(maxsize=65536)
def clean_line(text: str) -> str:
    """One line: markup removed, whitespace collapsed, ends stripped (cached: table readers
    ask for the same cell many times)."""
    text = _INVISIBLE.sub("", _TAG.sub(" ", text)).replace("**", "")
    return _SPACES.sub(" ", text).strip()


def cell_lines(text: str) -> list[str]:
    """The non-empty cleaned lines of a cell (``<br>`` counts as a line break)."""
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    lines = (clean_line(x) for x in re.split(r"\r\n|\r|\n|\u2028|\u2029", text))
    return [x for x in lines if x]


def glue(a: str, b: str) -> str:
    """Join two lines; a word broken at a hyphen ("контрольно-" + "ревизионной") stays one."""
    if not a:
        return b
    if not b:
        return a
    if re.search(r"[^\W\d_]-$", a) and b[:1].islower():
        return a + b
    return a + " " + b


def join_text(lines: Iterable[str]) -> str:
    """Lines of an action or deadline cell as one whitespace-normalised string."""
    out = ""
    for line in lines:
        out = glue(out, clean_line(line))
    return clean_line(out)


def starts_lower(text: str) -> bool:
    """Whether the first letter of ``text`` is lower-case (a continued phrase)."""
    m = re.search(r"[^\W\d_]", text)
    return m is not None and m.start() <= 2 and text[m.start()].islower()


def join_executor(lines: Iterable[str]) -> str:
    """Executor cell lines joined by "\\n" (the executor parser decides what continues what);
    only a word hyphenated across lines is glued back."""
    out: list[str] = []
    for line in lines:
        line = clean_line(line)
        if not line:
            continue
        if out and out[-1].endswith("-") and starts_lower(line):
            out[-1] = glue(out[-1], line)
        else:
            out.append(line)
    return "\n".join(out)


# --- deadline phrases -------------------------------------------------------------------

MONTHS_GEN = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
MONTHS_NOM = "январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь"
_NUMERAL = (
    r"(?:\d+|один|одну|одного|одни[хм]?|два|две|двух|двое|трое|три|трех|трёх|четыре|пять|шесть|"
    r"семь|восемь|девять|десять|пятнадцать|двадцать|тридцать|сорок|пятьдесят|шестьдесят)"
)
_DATE = (
    r"(?:\d{1,2}\.\d{1,2}\.(?:\s?\d{2,4})?"
    rf"|\d{{1,2}}(?:\s?[-–—]\s?\d{{1,2}})?\s+(?:{MONTHS_GEN}))"
)
DATE_RE = re.compile(_DATE, re.I)

# Openers of a deadline cell. Each is matched case-insensitively at a word start.
_OPENERS = [
    r"не\s+(?:позднее|позже|ранее|менее|более)",
    r"до(?=\s+(?:\d|дня|начала|окончания|момента|даты|истечения|завершения|принятия|"
    r"установления|проведения|представления|получения|опубликования|выхода|дня|"
    rf"{MONTHS_NOM}|{MONTHS_GEN}|\S+\s+\d))",
    r"по(?=\s+\d)",
    r"со?(?=\s+(?:\d|дня|момента|даты|начала|получения|поступления|выдвижения|"
    rf"регистрации|представления|опубликования|{MONTHS_GEN}|{MONTHS_NOM}))",
    r"начиная\s+с",
    r"в\s+(?:течение|день|дни|период|срок|сроки|ходе|соответствии|рабочие|дату|ночь|"
    r"установленн\w+|\S*дневный|\d)",
    r"во\s+время",
    r"весь\s+период",
    r"незамедлительно(?![\w-])",
    r"немедленно(?![\w-])",
    r"сразу\s+после",
    r"одновременно(?![\w-])",
    r"после(?=\s+\S)",
    r"перед(?=\s+\S)",
    r"накануне(?![\w-])",
    r"заблаговременно(?![\w-])",
    r"по\s+(?:истечении|окончании|завершении|отдельному|мере|запросу|указанию|требованию|"
    r"согласованию|графику|плану|поступлении|получении)",
    rf"за\s+{_NUMERAL}(?=\s)",
    r"при\s+\S+",
    r"к(?:о)?\s+дню",
    r"на\s+(?:следующий|\d)",
    r"согласно\s+(?:графику|плану|срокам)",
    r"(?:периодически|регулярно|постоянно|ежедневно|еженедельно|ежемесячно|ежеквартально|"
    r"ежегодно)(?![\w-])",  # adverbs, not "периодических изданий"
    rf"(?:{MONTHS_NOM})(?:\s?[-–—]\s?(?:{MONTHS_NOM}))?(?=$|[\s,.;])",
    r"(?:[IV]+|\d)\s+(?:квартал|полугоди)",
    r"в\s+течение\s+(?:года|месяца|всего)",
]
OPENER_RE = re.compile(r"(?<![\w-])(?:" + "|".join(_OPENERS) + r")", re.I)
# Lower-case openers that may end an action line only when the rest is short and plain.
_ADVERB = re.compile(
    r"(?:постоянно|ежедневно|еженедельно|ежемесячно|ежеквартально|ежегодно|периодически|"
    r"регулярно|незамедлительно)(?![\w-])|(?:весь\s+период|по\s+(?:отдельному|мере)|в\s+течение|"
    rf"(?:{MONTHS_NOM})(?:\s?[-–—]\s?(?:{MONTHS_NOM}))?(?=$|[\s,.;]))",
    re.I,
)
# Lower-case openers that may end an action line when nothing better is found.
_LAST = re.compile(
    r"(?:до|после|в\s+течение|в\s+период|в\s+день|со\s+дня|с\s+момента|не\s+позднее|"
    r"не\s+ранее|по\s+(?:окончании|завершении|истечении)|накануне|перед|одновременно|"
    r"сразу\s+после)\s",
    re.I,
)
_NOT_BEFORE_DATE = re.compile(r"(?:\bот|№|\bг\.|\bгода|\bред\.|\bN)\s*$", re.I)


def is_deadline_start(text: str) -> bool:
    """Whether ``text`` opens like a deadline cell (a phrase or a date)."""
    text = text.lstrip(" \t-–—(")
    m = OPENER_RE.match(text) or DATE_RE.match(text)
    return bool(m)


@lru_cache(maxsize=8192)
def _depth_map(text: str) -> tuple[int, ...]:
    """Nesting depth of parentheses/quotes before each character."""
    depth, out, quote = 0, [], False
    for ch in text:
        out.append(depth + (1 if quote else 0))
        if ch in "(«[":
            depth += 1
        elif ch in ")»]" and depth:
            depth -= 1
        elif ch == '"':
            quote = not quote
    return tuple(out)


class Candidate:
    """A place where a deadline cell may start inside a line, with its strength."""

    __slots__ = ("pos", "rank")

    def __init__(self, pos: int, rank: int) -> None:
        self.pos, self.rank = pos, rank

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Candidate({self.pos}, {self.rank})"


STRONG, MEDIUM, WEAK, LAST = 0, 1, 2, 3


@lru_cache(maxsize=8192)
def deadline_candidates(text: str, line_start: bool = False) -> tuple[Candidate, ...]:
    """Positions where a deadline may begin in ``text``, outside parentheses and quotes.

    Ranks: STRONG — a capitalised opener after some text (a new cell in flattened text)
    or any opener at the start of a line; MEDIUM — a lower-case opener followed by a number,
    or a bare date; WEAK — an adverbial opener ("постоянно", "ежемесячно", a month); LAST —
    another lower-case opener ("до окончания …"), to be used only when nothing else fits.
    """
    depth = _depth_map(text)
    out: list[Candidate] = []
    seen: set[int] = set()
    for m in OPENER_RE.finditer(text):
        p = m.start()
        if depth[p] or p in seen:
            continue
        seen.add(p)
        if p == 0:
            if line_start:
                out.append(Candidate(0, STRONG))
            continue
        after = text[m.end() :]
        if text[p].isupper():
            out.append(Candidate(p, STRONG))
        elif re.match(r"\s*(?:чем\s+)?(?:за\s+|через\s+|на\s+)?\d", after):
            out.append(Candidate(p, MEDIUM))
        elif _ADVERB.match(text, p):
            out.append(Candidate(p, WEAK))
        elif _LAST.match(text, p):
            out.append(Candidate(p, LAST))
    for m in DATE_RE.finditer(text):
        p = m.start()
        if depth[p] or p in seen or (p and text[p - 1].isalnum()):
            continue
        if p == 0:
            if line_start:
                out.append(Candidate(0, STRONG))
            continue
        if _NOT_BEFORE_DATE.search(text[:p]) or re.match(r"[\d.\s]*№", text[m.end() :]):
            continue
        out.append(Candidate(p, MEDIUM))
        seen.add(p)
    out.sort(key=lambda c: c.pos)
    return tuple(out)


# --- legal references -----------------------------------------------------------------

_REF_HEAD = re.compile(
    r"\(\s*(?:ч\.|ч\s|час\w*\s|ст\.|ст\s|стат\w*|п\.|пп\.|п\s\d|подп\w*|пункт\w*|абз\w*|"
    r"гл\.|глав[аы]\s|раздел\w*|разд\.|федеральн\w+|закон\w*|кодекс\w*|постановлен\w*|"
    r"решени\w+|порядк\w+|положени\w+|инструкци\w+|методическ\w+|регламент\w*|указ\w*|"
    r"приказ\w*|распоряжени\w+|приложени\w+|ФЗ|№|в\s+ред\w*|согласно|основание)",
    re.I,
)


@lru_cache(maxsize=8192)
def ref_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of parenthesised legal references in ``text`` (an open one runs to the end)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while True:
        m = _REF_HEAD.search(text, i)
        if not m:
            return tuple(spans)
        start, depth, end = m.start(), 0, len(text)
        for j in range(start, len(text)):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    end = j + 1
                    break
        # a "(далее – …)" right after a reference belongs to it
        tail = re.match(r"\s*\(\s*далее\b[^()]*\)", text[end:])
        if tail:
            end += tail.end()
        if re.search(r"\d|закон|кодекс|порядк|положени|инструкци|регламент", text[start:end], re.I):
            spans.append((start, end))
        i = end


def is_ref(text: str) -> bool:
    """Whether ``text`` is (only) a parenthesised legal reference."""
    spans = ref_spans(text)
    return bool(spans) and spans[0][0] == 0 and spans[0][1] >= len(text.rstrip(" .;,"))


def paren_open(text: str) -> bool:
    """Whether ``text`` leaves a parenthesis open."""
    return text.count("(") > text.count(")")


# --- bodies (executors) -----------------------------------------------------------------

_F, _N, _M, _P = "f", "n", "m", "p"
_BODY_WORDS: dict[str, str] = {}
for _group, _tag in (
    (
        "комиссия администрация организация палата группа служба инспекция редакция партия "
        "прокуратура полиция дума ассамблея коллегия типография почта газета библиотека "
        "школа глава власть избирком дирекция канцелярия бухгалтерия секция",
        _F,
    ),
    (
        "объединение управление отделение учреждение лицо собрание министерство ведомство "
        "предприятие общество бюро агентство представительство правительство подразделение "
        "товарищество казначейство",
        _N,
    ),
    (
        "представитель кандидат орган совет штаб аппарат наблюдатель избиратель председатель "
        "секретарь член банк депутат руководитель отдел суд гражданин комитет департамент "
        "фонд заместитель начальник уполномоченный оператор специалист сотрудник инспектор "
        "работодатель владелец собственник жертвователь центр филиал союз участник "
        "администратор мэр губернатор прокурор журналист глава референт консультант "
        "бухгалтер юрист",
        _M,
    ),
    (
        "комиссии организации объединения органы представители кандидаты граждане "
        "собственники владельцы наблюдатели избиратели редакции члены лица учреждения партии "
        "отделения предприниматели участники субъекты главы управления администрации службы "
        "группы депутаты операторы специалисты сотрудники руководители средства банки суды "
        "отделы жертвователи работодатели уполномоченные председатели секретари организаторы "
        "журналисты штабы советы",
        _P,
    ),
):
    for _w in _group.split():
        _BODY_WORDS[_w] = _BODY_WORDS.get(_w, "") + _tag

_ADJ_ENDINGS = {
    _F: ("ая", "яя"),
    _N: ("ое", "ее"),
    _M: ("ый", "ий", "ой"),
    _P: ("ые", "ие"),
}
_ALL_ADJ = tuple(e for v in _ADJ_ENDINGS.values() for e in v)
_PREPOSITIONS = frozenset(
    re.split(
        r"\s+",
        "в во на из от с со к ко по для при через за до о об обо у между перед под над без "
        "после около среди ради",
    )
)
_ABBR = re.compile(r"^[А-ЯЁA-Z][А-ЯЁA-Z0-9]{1,7}$")
_ROMAN = re.compile(r"^[IVXLC]+\.?$")
_PERSON = re.compile(
    r"^(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.|[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+)"
)
_WORD = re.compile(r"[\w\-.]+", re.U)


def _words(text: str) -> list[str]:
    return [w.strip(".-") for w in _WORD.findall(text)]


def body_at_start(text: str, strict: bool = False) -> bool:
    """Whether ``text`` opens with a body or a person in the nominative.

    "Территориальная комиссия", "Глава администрации …", "Избирательное объединение, граждане",
    "ИЦ МВД …", "Иванов И.И." — but not "Избирательной комиссии", "Порядком …", "Республике".
    ``strict`` accepts only an adjective agreeing with a body noun ("Общественный штаб").
    """
    text = text.lstrip(" \t\"«'-–—•")
    if not text or not text[0].isupper():
        return False
    if not strict and _PERSON.match(text):
        return True
    words = [w for w in _words(text) if w]
    if not words:
        return False
    first = words[0]
    if not strict and _ABBR.match(first) and not _ROMAN.match(first) and not first.isdigit():
        return True
    prev_adj: str | None = None
    for w in words[:6]:
        lw = w.lower()
        tags = _BODY_WORDS.get(lw)
        if tags:
            if prev_adj is None:
                return not strict
            return any(prev_adj.endswith(_ADJ_ENDINGS[t]) for t in tags)
        if lw in ("и", "или", "все", "иные", "другие"):
            continue
        if len(lw) > 3 and lw.endswith(_ALL_ADJ):
            prev_adj = lw
            continue
        return False
    return False


def body_tail(text: str, start: int = 1, strict: bool = False) -> int | None:
    """The earliest position ≥ ``start`` where an executor begins inside ``text``.

    The tail must begin with a capitalised word outside parentheses/quotes, not right after
    a preposition, and name a body in the nominative.
    """
    depth = _depth_map(text)
    for m in re.finditer(r"(?<![\w\-.])[А-ЯЁA-Z]", text):
        p = m.start()
        if p < start or depth[p]:
            continue
        before = text[:p].rstrip()
        prev = before.split()[-1].lower() if before.split() else ""
        if prev in _PREPOSITIONS or before.endswith(("(", "«", '"', "№")):
            continue
        if body_at_start(text[p:], strict):
            return p
    return None


# --- headings, column headers, furniture ------------------------------------------------

_TOPIC = re.compile(
    r"^(?:раздел|глава\s+[\dIVX]|статус|выборы|избирательные\s+(?:участки|комиссии|округа)\b|"
    r"списки|общие\s+положения|организационн|итоги|подведение|назначение\s+выборов|"
    r"наблюдени|информационн|агитаци|финансовое|голосование|референдум|"
    r"[а-яё]+(?:ние|тие|ция|ство|ка)\b)",
    re.I,
)


def is_all_caps(text: str) -> bool:
    """Two or more words in capitals: a heading."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1]
    return len(words) >= 2 and all(w.isupper() for w in words) and sum(map(len, words)) > 8


@lru_cache(maxsize=8192)
def is_heading(text: str) -> bool:
    """Whether a line reads like a section heading of a plan (a topic, not a body)."""
    text = clean_line(text)
    if not text or len(text) > 160 or starts_lower(text) or text.endswith((",", ";", ":")):
        return False
    if is_all_caps(text):
        return True
    if re.match(r"^(?:[IVXLC]+\.|раздел\s|глава\s+[\dIVX])", text, re.I):
        return True
    if len(text.split()) > 14 or DATE_RE.search(text) or re.search(r"\d{2,}", text):
        return False
    if is_deadline_start(text) or text.startswith("("):
        return False
    if any(c.rank < LAST for c in deadline_candidates(text)):
        return False
    generic = re.fullmatch(r"(?:избирательные\s+)?(?:комиссии|участки|округа)\.?", text, re.I)
    if generic:
        return True
    return bool(_TOPIC.match(text)) and not body_at_start(text)


_COLUMN_WORDS = frozenset(
    re.split(
        r"\s+",
        "№ n п/п пп п.п. no номер содержание наименование мероприятия мероприятий мероприятие "
        "срок сроки исполнения проведения выполнения исполнитель исполнители ответственный "
        "ответственные ответственных за исполнение дата основание правовое нормативное примечание "
        "примечания отметка о выполнении и вид работ дата/срок исполнители/соисполнители "
        "ссылка на закон (основание) действия ответственные/исполнители",
    )
)
_ROLE_STEMS = ("мероприят", "содерж", "наимен", "срок", "исполнит", "ответствен", "п/п", "№")


_COLUMN_HEADER_MAX = 120  # characters: a line of column names is short
_HEADER_TOKEN = re.compile(r"[^\s,;()]+")


def is_column_header(text: str) -> bool:
    """A line made only of column-header words ("№ п/п", "Срок исполнения Исполнитель")."""
    low = clean_line(text).lower()
    if not low or len(low) > _COLUMN_HEADER_MAX:
        return False
    tokens = _HEADER_TOKEN.findall(low)
    return (
        bool(tokens)
        and all(t in _COLUMN_WORDS for t in tokens)
        and any(s in low for s in _ROLE_STEMS)
    )


_NUMBERS_ONLY = re.compile(r"[\d\s.|\t]+")
_DIGITS = re.compile(r"\d+")


def is_column_numbers(text: str) -> bool:
    """A row of column numbers: "1 2 3 4"."""
    if not _NUMBERS_ONLY.fullmatch(text.strip()):
        return False
    nums = _DIGITS.findall(text)
    if len(nums) < 3:
        return False
    return [int(n) for n in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))


_FURNITURE = re.compile(
    r"^(?:[-–—]?\s*\d{1,3}\s*[-–—]?|(?:стр\.?|страница|лист)\s*\d+(?:\s*(?:из|/)\s*\d+)?|"
    r"(?:продолжение|окончание)(?:\s+(?:таблицы|приложения|календарного\s+плана)\b.*)?\.?"
    r"|\d+\s*/\s*\d+)$",
    re.I,
)


def is_page_furniture(text: str) -> bool:
    """Page numbers and continuation marks between pages."""
    return bool(_FURNITURE.match(clean_line(text)))


_SIGN_ROLE = re.compile(
    r"^(?:председатель|секретарь|руководитель|заместитель|зам\.|глава|начальник|член|"
    r"директор|исп\.|исполнитель:)",
    re.I,
)


_NOTE = re.compile(
    r"^(?:примечани[ея]|сноск[аи]|\*|¹|сокращения"
    r"|\((?:[^()]{0,40}\s)?(?:в\s+ред\.|введен[аоы]?\s)"  # a legal database's editorial note
    r")",
    re.I,
)


def is_note(text: str) -> bool:
    """Notes and footnotes under a table, and a legal database's editorial notes inside it
    ("(п. 14 в ред. решения … от …)")."""
    return bool(_NOTE.match(clean_line(text)))


def is_signature(text: str) -> bool:
    """Signature lines: underscores, "подпись", "М.П.", or a role with a name."""
    t = clean_line(text)
    if re.search(r"_{3,}|\bподпись\b|\bМ\.\s?П\.|\(подпись\)|\bтел\.", t, re.I):
        return True
    return bool(_SIGN_ROLE.match(t) and PERSON.search(t))


def is_sign_role(text: str) -> bool:
    """A signer's role line without the name ("Председатель комиссии")."""
    t = clean_line(text)
    return (
        bool(re.match(r"^(?:председател|секретар|руководител|заместител)", t, re.I))
        and len(t.split()) <= 12
    )


def looks_like_name(text: str) -> bool:
    """A line that is a person's name with initials."""
    return bool(re.fullmatch(r"\s*" + PERSON.pattern + r"\s*", clean_line(text)))


def numbered_sections(rows: list[PlanRow]) -> list[PlanRow]:
    """A numbered row with only a heading, followed by its sub-items, is a section — when
    the plan is numbered that way ("1. Раздел", "1.1", "1.2", "2. Раздел", …). Among top-level
    items that have deadlines of their own, such a row is an item that leads into its
    sub-items ("10. Выдвижение кандидатов:", "10.1 …")."""

    def heads(k: int, row: PlanRow) -> bool:
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        return bool(
            row.item_no
            and "." not in row.item_no
            and not row.deadline
            and not row.executor
            and nxt is not None
            and nxt.item_no
            and nxt.item_no.startswith(row.item_no + ".")
        )

    flat = sum(1 for r in rows if r.item_no and "." not in r.item_no and (r.deadline or r.executor))
    out: list[PlanRow] = []
    current: tuple[str, str] | None = None  # (number, heading)
    for k, row in enumerate(rows):
        if heads(k, row) and flat < 2:
            current = (row.item_no or "", row.action)
            continue
        if current and row.item_no and row.item_no.startswith(current[0] + "."):
            row.section = current[1]
        out.append(row)
    return out

"""Domain-aware correction of OCR'd cell text (Russian plans).

Tesseract's typical slips on these documents, each fixed by a small general rule:

* Latin look-alikes inside Cyrillic words (``cт.``, ``Pеспублики``, ``roда``) → Cyrillic;
  ``0`` between Cyrillic letters → ``о``.
* References: ``4.`` / ``Ч.`` for ``ч.`` (part) before a number and an article (``4. 4 ст. 9``
  → ``ч. 4 ст. 9``), ``ct.`` → ``ст.``, ``Ne 152`` / ``N° 152`` → ``№ 152``.
* Dates: letters read for digits inside a date (``О8.09.2019``, ``08.O9.2019``,
  ``2О19``), ``2019 r.`` → ``2019 г.``.
* Line ends: ``избира-\\nтельной`` → ``избирательной`` (kept ``тренеров-преподавателей``
  when the joined word is not a word), stray ``|`` from ruling lines, repeated spaces.

``role`` says which column the text comes from: ``item_no`` (a number as printed) gets
digit-only repairs; ``action``, ``deadline``, ``executor`` and ``text`` get the rest.
"""

from __future__ import annotations

import re
from itertools import combinations, product

from parsers import morph

ROLES = ("action", "deadline", "executor", "item_no", "text")

_CYR = "А-Яа-яЁё"
_LAT_TO_CYR = str.maketrans("AaBCcEeHKMOoPpTXxyrnu", "АаВСсЕеНКМОоРрТХхугпи")
# Only letters that have a Cyrillic twin in shape; words with other Latin letters are Latin.
_LAT_TWINS = set("AaBCcEeHKMOoPpTXxyr")
_WORD = re.compile(rf"[{_CYR}A-Za-z0-9]+")
_HAS_CYR = re.compile(rf"[{_CYR}]")
# A one-letter Latin word among Cyrillic text is a preposition or conjunction read wrong.
_LONE_LATIN = re.compile(r"(?<![\w.])[aceoykKCBOy](?![\w.])")

# Letters tesseract reads for digits (and back) in numeric contexts.
_DIGIT_LOOKALIKES = str.maketrans("OoОоDQlI|!ЗзбSВ", "000000111133658")
_NUMERIC_TOKEN = re.compile(r"(?<![\w.])[0-9OoОоlIЗз]{1,4}(?:\.[0-9OoОоlIЗз]{1,4}){1,2}\.?(?![\w])")
_YEAR_TOKEN = re.compile(r"(?<!\w)([12][0-9OoОоlIЗз]{3})(?=\s*(?:г\.|г\b|года|гг|r\.|год))")
_YEAR_R = re.compile(r"(?<=\d)(\s*)r(\.|\b)")
_ORDINAL_NO = re.compile(r"(?<![\w.])(?:N[eoº°]|Ng|Mo|Мо)\s*(?=\d)")
_REF_PART = re.compile(
    r"(?<![\w.])(?:4|Ч)\.(\s?)(?=\d{1,3}(?:\.\d+)?\s*,?\s*(?:ст|cт|ct|статьи)\b)"
)
# A letter read for the number after a reference abbreviation: ``ч. б ст. 47`` → ``ч. 6``.
_REF_NUMBER = re.compile(
    r"(?<![\w])(ч|п|пп|ст|подп)\.(\s?)([бЗзОоlI])(?=\s*(?:[,;)]|ст\.|п\.|ч\.|$))"
)
_CT = re.compile(r"(?<![\w])[cс][tт]\.(?=\s*\d)")
_STRAY_BAR = re.compile(r"(?:(?<=\s)|^)[|¦]+(?=\s|$)|^[|¦]+|[|¦]+$", re.MULTILINE)
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_PLAIN_BREAK = re.compile(rf"([{_CYR}]+)\n([а-яё]+)")
_HYPHEN_BREAK = re.compile(rf"([{_CYR}]+)[-\u00ad\u2010]\s*\n\s*([{_CYR}]+)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.!?)»])(?=\s|$)")
_BRACES = str.maketrans("{}", "()")
_YEAR_CAP_G = re.compile(r"(?<=\d{4})(\s*)Г(?=\.|\b)")
_NUMBER_BREAK = re.compile(r"(?<=\d)([-/])\s*\n\s*(?=\d)")
_REF_CAPS = re.compile(r"(?:(?<=[(,;])|(?<=[(,;]\s))([ЧП])\.(?=\s?(?:\d|[пч]\.|пп\.|«))")
# Capitals whose small letters look the same (small caps); a word of them in lower-case
# context is a case slip (``территориальной КОМИССИИ``).
_SMALL_CAPS = set("ВГЖЗИЙКЛМНОПСТХЦЧШЩЪЫЬЭЮЯ")
_TOKEN = re.compile(r"\S+")
# Letters tesseract confuses in Russian print; an unknown word is repaired when swapping
# some of them gives exactly one known word (``позлнее`` → ``позднее``).
_CONFUSABLE: dict[str, str] = {
    "л": "д", "д": "л", "н": "иП", "и": "нй", "й": "и", "ш": "щ", "щ": "шц", "ц": "щ",
    "я": "в", "в": "я", "с": "е", "е": "сё", "п": "н", "ь": "ъы", "ъ": "ь", "ы": "ь",
}  # fmt: skip
_MAX_SWAPS = 3
_INITIALS = re.compile(r"\s*[А-ЯЁ]\.\s?[А-ЯЁ]\.")
_INITIALS_BEFORE = re.compile(r"[А-ЯЁ]\.\s?[А-ЯЁ]\.\s*$")
_LOWER_WORD = re.compile(r"(?<![\w-])[А-ЯЁ]?[а-яё]{3,}(?![\w-])")


def fix_ocr_text(text: str, role: str = "text") -> str:
    """OCR'd text of one cell (lines joined by ``\\n``) with the usual slips repaired."""
    if not text:
        return text
    if role == "item_no":
        return _fix_item_no(text)
    if role == "section":  # sections drop their numbers, OCR'd Roman ones too ("П. Выдвижение")
        text = _ROMAN_HEADING.sub(_strip_roman_heading, text)
    text = _STRAY_BAR.sub("", text).translate(_BRACES)
    text = _NUMBER_BREAK.sub(r"\1", text)
    text = _join_hyphenated(text)
    text = _join_broken(text)
    text = _WORD.sub(_fix_mixed_word, text)
    if _mostly_cyrillic(text):
        text = _LONE_LATIN.sub(lambda m: m.group(0).translate(_LAT_TO_CYR), text)
    text = _ORDINAL_NO.sub("№ ", text)
    text = _fix_numbers(text)
    text = _REF_PART.sub(r"ч.\1", text)
    text = _REF_NUMBER.sub(
        lambda m: m.group(1) + "." + m.group(2) + m.group(3).translate(_DIGIT_LOOKALIKES), text
    )
    text = _REF_CAPS.sub(lambda m: m.group(1).lower() + ".", text)
    text = _YEAR_CAP_G.sub(r"\1г", text)
    text = _ROMAN_PERIOD.sub(_fix_roman_period, text)
    text = _DAY_BEFORE_MONTH.sub("1", text)
    text = _fix_case_slips(text)
    text = _LOWER_WORD.sub(lambda m: _respell_in(m, text), text)
    if role in ("deadline", "action", "executor"):
        text = _fix_lone_caps(text, role)
    text = _CT.sub("ст.", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


# A Roman numeral before "квартал"/"полугодие" read as look-alike letters: "Г квартал",
# "И квартал", "Ш квартал", "1V квартал".
_ROMAN_PERIOD = re.compile(
    r"(?<![\w.])([IІlГ1|ИПНШ]{1,3}[VУ]?|[I1lІГ][VУ]|[VУ])(\s+)"
    r"(?=(?:квартал(?:а|е|ом)?|полугоди[еяи])\b)"
)
_ROMAN_READINGS = {"Г": "I", "l": "I", "1": "I", "|": "I", "І": "I", "И": "II", "П": "II",
                   "Н": "II", "Ш": "III", "У": "V"}  # fmt: skip
# A day number read as a letter before a month: "с Г апреля" → "с 1 апреля".
_DAY_BEFORE_MONTH = re.compile(
    r"(?<![\w.])[Гl|](?=\s+(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|"
    r"октября|ноября|декабря)\b)"
)


_ROMAN_HEADING = re.compile(r"^\s*([IІlГ1|ИПНШVУXХ]{1,4})\.\s+(?=[А-ЯЁ])")
_ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _strip_roman_heading(m: re.Match[str]) -> str:
    numeral = "".join(_ROMAN_READINGS.get(ch, ch) for ch in m.group(1)).replace("Х", "X")
    return "" if numeral in _ROMAN_NUMERALS else m.group(0)


def _fix_roman_period(m: re.Match[str]) -> str:
    numeral = "".join(_ROMAN_READINGS.get(ch, ch) for ch in m.group(1))
    if numeral not in ("I", "II", "III", "IV"):
        return m.group(0)
    return numeral + m.group(2)


def _mostly_cyrillic(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    cyr = sum(1 for ch in letters if not ch.isascii())
    return bool(letters) and cyr * 2 >= len(letters)


def _fix_case_slips(text: str) -> str:
    """All-capital words of small-caps letters between lower-case words → lower case."""
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) < 2:
        return text
    out = []
    last = 0
    for i, m in enumerate(tokens):
        word = m.group(0)
        core = word.strip(",.;:()«»\"'")
        if (
            len(core) >= 4
            and core.isalpha()
            and core.isupper()
            and set(core) <= _SMALL_CAPS
            and (i == 0 or _lowerish(tokens[i - 1].group(0)))
            and (i + 1 == len(tokens) or _lowerish(tokens[i + 1].group(0)))
        ):
            out.append(text[last : m.start()] + word.lower())
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def _fix_lone_caps(text: str, role: str) -> str:
    """A cell that is one all-capital word of small-caps letters (``ПОСТОЯННО``)."""
    core = text.strip(" .,;")
    if len(core) < 4 or not core.isalpha() or not core.isupper() or not set(core) <= _SMALL_CAPS:
        return text
    if not is_word(core):
        return text
    low = core.lower()
    fixed = low if role == "deadline" else low[:1].upper() + low[1:]
    return text.replace(core, fixed)


def _respell_in(m: re.Match[str], text: str) -> str:
    """Respell a word unless it is a name beside initials (``Иванов И.И.``)."""
    word = m.group(0)
    if word[:1].isupper() and (
        _INITIALS.match(text, m.end()) or _INITIALS_BEFORE.search(text, 0, m.start())
    ):
        return word
    return _respell(word)


def _respell(word: str) -> str:
    """An unknown word that one to three look-alike swaps turn into exactly one known word
    (the fewest swaps win; a tie leaves the word as read)."""
    if is_word(word):
        return word
    lower = word.lower()
    spots = [i for i, ch in enumerate(lower) if ch in _CONFUSABLE]
    for swaps in range(1, min(_MAX_SWAPS, len(spots)) + 1):
        found: set[str] = set()
        for where in combinations(spots, swaps):
            for letters in product(*(_CONFUSABLE[lower[i]] for i in where)):
                chars = list(lower)
                for i, ch in zip(where, letters, strict=True):
                    chars[i] = ch
                candidate = "".join(chars)
                if is_word(candidate):
                    found.add(candidate)
        if len(found) > 1:
            return word
        if found:
            fixed = found.pop()
            return fixed[:1].upper() + fixed[1:] if word[:1].isupper() else fixed
    return word


def _lowerish(token: str) -> bool:
    core = token.strip(",.;:()«»\"'-")
    return bool(core) and core[0].isalpha() and core[0].islower()


def _fix_item_no(text: str) -> str:
    """``1О.`` → ``10.``, ``l.`` → ``1.``, ``3 .1`` → ``3.1``, stray bars dropped."""
    compact = re.sub(r"\s+", "", _STRAY_BAR.sub("", text)).replace(",", ".")
    if not compact:
        return ""
    fixed = compact.translate(_DIGIT_LOOKALIKES)
    if re.fullmatch(r"\d+(?:\.\d+)*\.?", fixed):
        return fixed
    return " ".join(text.split())


def _fix_mixed_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if not _HAS_CYR.search(word) or not re.search(r"[A-Za-z0-9]", word):
        return word
    letters = [ch for ch in word if ch.isalpha()]
    latin = [ch for ch in letters if ch.isascii()]
    if latin and not all(ch in _LAT_TWINS or ch in "nu" for ch in latin):
        return word  # a real Latin word next to Cyrillic (an abbreviation, a name)
    if len(latin) * 2 > len(letters) and len(letters) > 2:
        return word  # mostly Latin: leave it
    out = word.translate(_LAT_TO_CYR)
    # A zero or a three between Cyrillic letters is a letter.
    out = re.sub(rf"(?<=[{_CYR}])0|0(?=[{_CYR}])", lambda z: _case_o(out, z.start()), out)
    out = re.sub(r"(?<=[а-яё])3(?=[а-яё])", "з", out)
    return out


def _case_o(word: str, pos: int) -> str:
    near = word[max(0, pos - 1) : pos + 2]
    return "О" if near.replace("0", "").isupper() and len(word) > 1 and word[:2].isupper() else "о"


def _fix_numbers(text: str) -> str:
    """Letters inside dates and years read as digits; ``r.`` after a year → ``г.``."""

    def date(m: re.Match[str]) -> str:
        tok = m.group(0)
        if not re.search(r"\d", tok):
            return tok
        fixed = tok.translate(_DIGIT_LOOKALIKES)
        parts = fixed.rstrip(".").split(".")
        if len(parts) >= 2 and all(p.isdigit() for p in parts):
            day, month = int(parts[0]), int(parts[1])
            if 1 <= day <= 31 and 1 <= month <= 12:
                return fixed
        return tok

    text = _NUMERIC_TOKEN.sub(date, text)
    text = _YEAR_TOKEN.sub(lambda m: m.group(1).translate(_DIGIT_LOOKALIKES), text)
    return _YEAR_R.sub(r"\1г\2", text)


def _join_hyphenated(text: str) -> str:
    """Words broken at line ends: joined when the whole is a word, else the hyphen stays."""

    def join(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        if tail[:1].isupper():
            return f"{head}-\n{tail}"
        if is_word(head + tail) or not (is_word(head) or is_word(tail)):
            return head + tail
        return f"{head}-{tail}"

    return _HYPHEN_BREAK.sub(join, text)


def is_word(word: str) -> bool:
    """Whether ``word`` is a Russian word form (pymorphy2's dictionary)."""
    return morph.is_known(word.replace("ё", "е"))


def _join_broken(text: str) -> str:
    """Words a narrow column broke without a hyphen (``избирательны`` / ``х участков``):
    joined when neither half is a word and the whole is."""

    def join(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        if not is_word(head) and not is_word(tail) and is_word(head + tail):
            return head + tail
        return m.group(0)

    return _PLAIN_BREAK.sub(join, text)

"""Text cleanup shared by the backends: whitespace, hyphenation, markup typed as text.

Nothing here knows about plans; it only normalises how a cell or a line reads.
"""

from __future__ import annotations

import html
import re

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LOWER_START = re.compile(r"^[a-zа-яё]")
_HYPHEN_END = re.compile(r"[A-Za-zА-Яа-яЁё][-\u2010\u00ad]$")
_ATTACHED_HYPHEN_END = re.compile(r"[0-9A-Za-zА-Яа-яЁё][-\u2010]$")
_UPPER_OR_DIGIT_START = re.compile(r"^[0-9A-ZА-ЯЁ]")
_ENDS_HYPHENATED = re.compile(r"[-\u2010\u00ad][^\S\n]*$")

# Tags that documents carry as literal text when a web form stored HTML in a plain field.
_TAG_NAMES = (
    "p|br|ul|ol|li|div|span|b|i|u|s|em|strong|font|sup|sub|a|table|tbody|thead|tr|td|th|"
    "h[1-6]|hr|blockquote|pre|center|small|big|strike|del|ins|mark|o:p"
)
_MARKUP = re.compile(rf"</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_BREAK_TAGS = re.compile(
    r"<br\s*/?>|</?(?:p|div|ul|ol|tr|table|h[1-6]|blockquote|pre|center)(?:\s[^<>]*)?>",
    re.IGNORECASE,
)
_LI_TAG = re.compile(r"<li(?:\s[^<>]*)?>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:]*(?:\s[^<>]*)?/?>")
_BOLD = re.compile(r"\*\*")


def normalize_line(text: str) -> str:
    """One line: exotic spaces to one space, zero-width characters removed, stripped."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


_ODD_SPACING = re.compile(  # what normalize_lines would change
    r"[^\S \n]|[\u200b\u200c\u200d\u2060\ufeff\u00ad]|  |^ | $|^\n|\n$", re.M
)


def normalize_lines(text: str) -> str:
    """Normalise each line and drop empty ones; line breaks are kept as ``\\n``."""
    if not _ODD_SPACING.search(text):
        return text  # already normal (the common case: one search instead of one per line)
    lines = (normalize_line(x) for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(x for x in lines if x)


def normalize_keeping_tabs(text: str) -> str:
    """:func:`normalize_lines`, but the tabs between a line's fields stay (a paragraph typed
    with tab stops is a table row); trailing tabs go."""
    if "\t" not in text:
        return normalize_lines(text)
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        fields = [normalize_line(f) for f in line.split("\t")]
        joined = "\t".join(fields).rstrip("\t")
        if joined.strip("\t"):
            out.append(joined)
    return "\n".join(out)


def normalize_ws(text: str) -> str:
    """All whitespace, line breaks included, collapsed to single spaces."""
    return " ".join(text.split())


_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*")
_BROKEN_WORD = re.compile(r"\S*[-\u2010\u00ad]\n\S*")
_PARTICLES = re.compile(r"^(?:либо|нибудь|то|таки|ка|де)(?![а-яё])")
_COMPOUND_HEAD = re.compile(r"(?:нно|льно|ально|ско|цко|ически|ико|ово)$")
_ADJECTIVE = re.compile(
    r"(?:ой|ый|ий|ая|яя|ое|ее|ые|ие|ых|их|ым|им|ого|его|ому|ему|ую|юю|ыми|ими)$"
)


class Vocabulary:
    """Words of one document, to tell a hyphenated compound broken at its hyphen
    (``тренеров-`` / ``преподавателей``) from a word hyphenated at a syllable."""

    def __init__(self, texts: list[str] | None = None) -> None:
        self.words: set[str] = set()
        self.compounds: set[str] = set()
        self._pending: list[str] = list(texts or [])  # read when first asked

    def add(self, text: str) -> None:
        self._pending.append(text)

    def _read(self) -> None:
        text = _BROKEN_WORD.sub(" ", " ".join(self._pending))  # words broken at a line end
        self._pending = []
        for token in _WORD.findall(text.lower()):
            (self.compounds if "-" in token else self.words).add(token)

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        """Should ``head-`` + ``tail`` stay ``head-tail`` rather than ``headtail``?"""
        if self._pending:
            self._read()
        m1 = re.search(r"[A-Za-zА-Яа-яЁё]+$", head[:-1])
        m2 = _WORD.match(tail)
        if not m1 or not m2:
            return False
        left, right = m1.group().lower(), m2.group().lower().split("-")[0]
        if f"{left}-{right}" in self.compounds or _PARTICLES.match(right):
            return True
        if left + right in self.words:
            return False
        if len(left) >= 3 and len(right) >= 3 and left in self.words and right in self.words:
            return True
        # a compound adjective: "информационно-" / "телекоммуникационной"
        return len(left) >= 6 and bool(_COMPOUND_HEAD.search(left) and _ADJECTIVE.search(right))


def join_wrapped_lines(lines: list[str], vocabulary: Vocabulary | None = None) -> str:
    """Join the visual lines of a cell: ``отдель-`` + ``ного`` becomes ``отдельного``
    (unless ``vocabulary`` shows a hyphenated compound), ``1137-`` + ``6`` becomes
    ``1137-6``; other lines stay separate (``\\n``) so that readers still see the breaks."""
    if not any(_ENDS_HYPHENATED.search(raw) for raw in lines):
        return normalize_lines("\n".join(lines))  # nothing to join (most cells)
    out: list[str] = []
    for raw in lines:
        line = normalize_line(raw)
        if not line:
            continue
        if out and _HYPHEN_END.search(out[-1]) and _LOWER_START.match(line):
            if vocabulary is not None and vocabulary.keeps_hyphen(out[-1], line):
                out[-1] = out[-1] + line
            else:
                out[-1] = out[-1][:-1] + line
        elif out and _ATTACHED_HYPHEN_END.search(out[-1]) and _UPPER_OR_DIGIT_START.match(line):
            out[-1] = out[-1] + line  # "152/1137-" + "6)", "Северо-" + "Западный"
        else:
            out.append(line)
    return "\n".join(out)


def has_markup(text: str) -> bool:
    """True when the text carries HTML tags or entities typed as characters."""
    return bool(_MARKUP.search(text) or _ENTITY.search(text))


def strip_markup(text: str) -> str:
    """Turn HTML written as text into plain lines: tags removed, ``<br>``/``<p>`` become
    line breaks, ``<li>`` becomes ``\\n- ``, entities unescaped (twice, for ``&amp;lt;``)."""
    if not has_markup(text):
        return text
    for _ in range(2):
        if _ENTITY.search(text) and not _MARKUP.search(text):
            text = html.unescape(text)
    text = _LI_TAG.sub("\n- ", text)
    text = _BREAK_TAGS.sub("\n", text)
    text = _CELL_END.sub(" ", text)
    text = _ANY_TAG.sub("", text)
    return html.unescape(text)


_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)


def strip_bold_markers(text: str) -> str:
    """Remove markdown emphasis: ``**`` bold markers (they may open and close on different
    lines) and ``#`` heading marks at line starts."""
    return _HEADING.sub("", _BOLD.sub("", text))


def clean_cell_text(text: str) -> str:
    """The cleanup every backend applies to a cell: markup typed as text removed, lines
    normalised, empty lines dropped."""
    return normalize_lines(strip_markup(text))

"""A self-contained HTML report of a batch: one page, inline CSS, JS and SVG, no external assets.

Per plan: a timeline (Gantt) of its dated windows around the anchors, warnings highlighted,
the executors' load per month, undated items, and a searchable item table. On top: the
batch summary (documents, items, failures with their reasons).
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import fsspec
from dateutil.rrule import rrulestr

from pipeline.store import DatasetStore

# Colours. BAR is used only by the timelines (and their legend): tests look for it in a screenshot.
BAR = "#2b6cb0"  # range / one-day windows
BY = "#c05621"  # "not later than" deadlines
FROM = "#2c7a7b"  # open "not earlier than" windows
RECUR = "#6b46c1"  # recurring occurrences
PUBLICATION = "#2f855a"
VOTING = "#c53030"
WARN_BG = "#fff3c4"

MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
KIND_LABELS = {
    "election_calendar": "календарный план",
    "work_plan": "план работы",
    "other": "другое",
}
DEADLINE_LABELS = {
    "date": "дата",
    "by": "не позднее",
    "from": "не ранее",
    "range": "период",
    "recurring": "повторяется",
    "ongoing": "постоянно",
    "on_event": "по событию",
    "separate_plan": "по отдельному плану",
    "none": "без срока",
}

LABEL_W = 340
CHART_W = 970
ROW_H = 20
TOP = 46
MAX_OCCURRENCES = 400
MAX_EXECUTORS = 20
MAX_MONTHS = 36


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fmt(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


@dataclass(frozen=True, slots=True)
class Window:
    """What the timeline draws for one item."""

    kind: str  # range | date | by | from | recurring
    first: date
    last: date  # inclusive; for `from` the same as first
    occurrences: tuple[date, ...] = ()


def _occurrences(rule: str, start: date, until: date) -> tuple[date, ...]:
    """Days of a recurring item from its RRULE, up to ``until`` (at most MAX_OCCURRENCES)."""
    try:
        rr = rrulestr(rule, dtstart=datetime.combine(start, datetime.min.time()))
    except (ValueError, TypeError):
        return (start,)
    stop = datetime.combine(until, datetime.min.time())
    days: list[date] = []
    for moment in rr:
        if moment > stop or len(days) >= MAX_OCCURRENCES:
            break
        days.append(moment.date())
    return tuple(days) or (start,)


def window(item: dict[str, Any], horizon: date | None = None) -> Window | None:
    """The item's window on the timeline, or None when it has no date.

    A recurring series without an end runs to ``horizon`` (the chart's right edge); without
    a horizon it is just its first day.
    """
    start, end, kind = item["deadline_start"], item["deadline_end"], item["deadline_kind"]
    if start is None and end is None:
        return None
    if kind == "recurring" and start is not None and item["recurrence"]:
        until = end or horizon
        if until is None:
            return Window("recurring", start, start, (start,))
        days = _occurrences(item["recurrence"], start, until)
        return Window("recurring", days[0], max(until, days[-1]), days)
    if start is None:
        return Window("by", end, end)
    if end is None:
        return Window("from", start, start)
    first, last = min(start, end), max(start, end)
    return Window("date" if first == last else "range", first, last)


def _months(first: date, last: date) -> list[date]:
    out: list[date] = []
    cur = first.replace(day=1)
    while cur <= last and len(out) < 1200:
        out.append(cur)
        cur = (cur + timedelta(days=32)).replace(day=1)
    return out


class Timeline:
    """Maps days to x positions for one plan.

    The scale covers the anchors and the item dates, except a few outliers (a record kept for
    a year after the election): a date further from all the rest than 1.5 times their span
    would squeeze the campaign into a sliver, so it falls outside and is drawn as an arrow.
    """

    def __init__(self, days: Iterable[date], anchors: Iterable[date] = ()) -> None:
        core, fixed = sorted(set(days)), list(anchors)
        for _ in range(max(1, len(core) // 10)):  # outliers after the rest
            if len(core) < 3:
                break
            rest_lo, rest_hi = min([core[0], *fixed]), max([core[-2], *fixed])
            if (core[-1] - rest_hi).days <= max(90, 3 * (rest_hi - rest_lo).days // 2):
                break
            core.pop()
        for _ in range(max(1, len(core) // 10)):  # outliers before the rest
            if len(core) < 3:
                break
            rest_lo, rest_hi = min([core[1], *fixed]), max([core[-1], *fixed])
            if (rest_lo - core[0]).days <= max(90, 3 * (rest_hi - rest_lo).days // 2):
                break
            core.pop(0)
        lo, hi = min([core[0], *fixed]), max([core[-1], *fixed])
        pad = max(3, (hi - lo).days // 30)
        self.lo, self.hi = lo - timedelta(days=pad), hi + timedelta(days=pad + 1)
        self.span = max(14, (self.hi - self.lo).days)

    def x(self, day: date) -> float:
        return LABEL_W + CHART_W * (day - self.lo).days / self.span

    def clamp(self, x: float) -> float:
        return min(max(x, float(LABEL_W)), self.right)

    @property
    def right(self) -> float:
        return float(LABEL_W + CHART_W)


def _anchors(doc: dict[str, Any]) -> list[tuple[str, date, str]]:
    out = []
    if doc.get("publication_date"):
        out.append(("Опубликование решения", doc["publication_date"], PUBLICATION))
    if doc.get("voting_day"):
        out.append(("День голосования", doc["voting_day"], VOTING))
    return out


def _tooltip(item: dict[str, Any], win: Window) -> str:
    no = f"№ {item['item_no']} — " if item["item_no"] else ""
    when = _fmt(win.first) if win.first == win.last else f"{_fmt(win.first)} – {_fmt(win.last)}"
    lines = [f"{no}{item['action']}", f"Срок: {item['deadline_text']} ({when})"]
    who = item["executors_canonical"] or item["executors"]
    if who:
        lines.append("Исполнители: " + "; ".join(who))
    lines.extend(f"⚠ {w}" for w in item["warnings"] or [])
    return "\n".join(lines)


def gantt(doc: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """The plan's timeline as inline SVG (empty string when nothing is dated)."""
    anchors = _anchors(doc)
    prelim = [(i, window(i)) for i in items]
    dated = [(i, w) for i, w in prelim if w is not None]
    if not dated:
        return ""
    tl = Timeline((d for _, w in dated for d in (w.first, w.last)), (a[1] for a in anchors))
    rows = [(i, window(i, tl.hi)) for i, _ in dated]  # recurrences cut at the chart's edge
    rows_sorted = sorted(
        ((i, w) for i, w in rows if w is not None), key=lambda r: (r[1].first, r[0]["ordinal"])
    )
    bottom = TOP + ROW_H * len(rows_sorted)
    height = bottom + 16 * len(anchors) + 12
    width = LABEL_W + CHART_W + 10
    parts = [
        f'<svg class="gantt" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="Сроки плана: {_e(_short(doc.get("title") or doc["source"], 80))}">',
        "<defs>"
        f'<linearGradient id="fade-{doc["doc_id"][:12]}" x1="0" x2="1" y1="0" y2="0">'
        f'<stop offset="0" stop-color="{FROM}" stop-opacity="1"/>'
        f'<stop offset="1" stop-color="{FROM}" stop-opacity="0.08"/></linearGradient>'
        f'<clipPath id="labels-{doc["doc_id"][:12]}"><rect x="0" y="0" width="{LABEL_W - 6}" '
        f'height="100%"/></clipPath></defs>',
    ]
    # month grid: a line per month, labels thinned to about 14, the year on the first and on January
    months = [m for m in _months(tl.lo, tl.hi) if m >= tl.lo]
    step = max(1, len(months) // 14)
    edge = not months or tl.x(months[0]) - LABEL_W > 70  # room to name the partial first month
    if edge:
        parts.append(
            f'<text x="{LABEL_W + 3}" y="{TOP - 18}" class="month">'
            f"{_e(MONTHS[tl.lo.month - 1])} {tl.lo.year}</text>"
        )
    year_shown = edge
    for n, m in enumerate(months):
        x = tl.x(m)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 14}" x2="{x:.1f}" y2="{bottom}" class="grid"/>'
        )
        if n % step == 0:
            label = MONTHS[m.month - 1]
            if m.month == 1 or not year_shown:
                label, year_shown = f"{label} {m.year}", True
            parts.append(f'<text x="{x + 3:.1f}" y="{TOP - 18}" class="month">{_e(label)}</text>')
    # rows
    cut_any = False
    for n, (item, win) in enumerate(rows_sorted):
        y = TOP + n * ROW_H
        mid = y + ROW_H / 2
        warned = bool(item["warnings"])
        if warned:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW_H}" fill="{WARN_BG}"/>')
        elif n % 2:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW_H}" class="zebra"/>')
        no = f"{item['item_no']}. " if item["item_no"] else ""
        label = ("⚠ " if warned else "") + no + _short(item["action"], 46)
        parts.append(f"<g><title>{_e(_tooltip(item, win))}</title>")
        parts.append(
            f'<text x="6" y="{mid + 4:.1f}" class="label{" warn" if warned else ""}" '
            f'clip-path="url(#labels-{doc["doc_id"][:12]})">'
            f"{_e(label)}</text>"
        )
        stroke = ' stroke="#b7791f" stroke-width="2"' if warned else ""
        x0, x1 = tl.x(win.first), tl.x(win.last + timedelta(days=1))
        colour = {"by": BY, "from": FROM, "recurring": RECUR}.get(win.kind, BAR)
        if x1 < LABEL_W or x0 > tl.right:  # wholly off the scale: an arrow at that edge
            parts.append(_edge_arrow(x1 < LABEL_W, y, colour, tl))
            cut_any = True
        elif win.kind in ("range", "date"):
            a, b = tl.clamp(x0), tl.clamp(x1)
            parts.append(
                f'<rect x="{a:.1f}" y="{y + 4}" width="{max(4.0, b - a):.1f}" '
                f'height="{ROW_H - 8}" rx="2" fill="{BAR}"{stroke}/>'
            )
            for left, cut in ((True, x0 < LABEL_W), (False, x1 > tl.right)):
                if cut:
                    parts.append(_edge_arrow(left, y, BAR, tl))
                    cut_any = True
        elif win.kind == "by":
            cx = (x0 + x1) / 2
            parts.append(
                f'<line x1="{LABEL_W}" y1="{mid}" x2="{cx:.1f}" y2="{mid}" class="lead"/>'
                f'<path d="M{cx:.1f} {y + 3} L{cx + 7:.1f} {mid} L{cx:.1f} {y + ROW_H - 3} '
                f'L{cx - 7:.1f} {mid} Z" fill="{BY}"{stroke}/>'
            )
        elif win.kind == "from":
            a = tl.clamp(x0)
            parts.append(
                f'<rect x="{a:.1f}" y="{y + 4}" width="{tl.right - a:.1f}" height="{ROW_H - 8}" '
                f'fill="url(#fade-{doc["doc_id"][:12]})"{stroke}/>'
                f'<rect x="{a:.1f}" y="{y + 3}" width="3" height="{ROW_H - 6}" fill="{FROM}"/>'
            )
        else:  # recurring
            a, b = tl.clamp(x0), tl.clamp(x1)
            parts.append(
                f'<line x1="{a:.1f}" y1="{mid}" x2="{b:.1f}" y2="{mid}" '
                f'stroke="{RECUR}" stroke-width="2" stroke-dasharray="4 3"/>'
            )
            for day in win.occurrences:
                ox = tl.x(day)
                if LABEL_W <= ox <= tl.right:
                    parts.append(
                        f'<rect x="{ox - 2:.1f}" y="{y + 3}" width="5" height="{ROW_H - 6}" '
                        f'fill="{RECUR}"{stroke}/>'
                    )
        parts.append("</g>")
    if cut_any:
        parts.append(
            f'<text x="{tl.right:.1f}" y="12" class="month" text-anchor="end">'
            "▸ стрелка у края — срок за пределами шкалы (подробности во всплывающей подсказке)"
            "</text>"
        )
    # anchors on top of the bars
    for n, (name, day, colour) in enumerate(anchors):
        x = tl.x(day) + (tl.x(day + timedelta(days=1)) - tl.x(day)) / 2
        dash = ' stroke-dasharray="6 3"' if colour == PUBLICATION else ""
        ty = bottom + 16 * (n + 1)
        align = ' text-anchor="end"' if x > tl.right - 220 else ""
        tx = x - 4 if align else x + 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{ty - 2}" '
            f'stroke="{colour}" stroke-width="2"{dash}><title>{_e(name)}: {_fmt(day)}</title>'
            f"</line>"
            f'<text x="{tx:.1f}" y="{ty + 2}" class="anchor" fill="{colour}"{align}>'
            f"{_e(name)}, {_fmt(day)}</text>"
        )
    parts.append(f'<line x1="{LABEL_W}" y1="{TOP - 8}" x2="{LABEL_W}" y2="{bottom}" class="axis"/>')
    parts.append("</svg>")
    return "".join(parts)


def _edge_arrow(left: bool, y: float, colour: str, tl: Timeline) -> str:
    """A small arrow at the chart's edge for a window beyond the scale."""
    tip, base = (LABEL_W + 1.0, LABEL_W + 9.0) if left else (tl.right - 1, tl.right - 9)
    return (
        f'<path d="M{base:.1f} {y + 3} L{tip:.1f} {y + ROW_H / 2} L{base:.1f} {y + ROW_H - 3} Z" '
        f'fill="{colour}" class="edge"/>'
    )


def executor_load(
    items: list[dict[str, Any]], anchors: Iterable[date] = ()
) -> tuple[list[date], list[tuple[str, list[int]]]]:
    """Months and, per executor, how many dated items touch each month.

    The months are those of the timeline's scale (outliers far from the rest left out).
    """
    per: dict[str, Counter[date]] = defaultdict(Counter)
    months_seen: set[date] = set()
    prelim = [w for w in (window(i) for i in items) if w is not None]
    if not prelim:
        return [], []
    tl = Timeline((d for w in prelim for d in (w.first, w.last)), anchors)
    horizon = max(w.last for w in prelim)
    for item in items:
        win = window(item, horizon)
        if win is None:
            continue
        if win.kind == "recurring":
            touched = {d.replace(day=1) for d in win.occurrences}
        elif win.kind in ("by", "from"):
            touched = {win.first.replace(day=1)}
        else:
            touched = set(_months(win.first, win.last))
        months_seen |= touched
        for who in dict.fromkeys(item["executors_canonical"] or item["executors"] or []):
            for m in touched:
                per[who][m] += 1
    months_seen = {m for m in months_seen if tl.lo.replace(day=1) <= m <= tl.hi}
    if not months_seen:
        return [], []
    months = _months(min(months_seen), max(months_seen))[:MAX_MONTHS]
    ranked = sorted(per.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:MAX_EXECUTORS]
    return months, [(who, [c[m] for m in months]) for who, c in ranked]


def _load_table(items: list[dict[str, Any]], anchors: Iterable[date]) -> str:
    months, rows = executor_load(items, anchors)
    if not rows:
        return '<p class="muted">Нет датированных пунктов с исполнителями.</p>'
    peak = max(max(r) for _, r in rows) or 1
    head = "".join(f"<th>{MONTHS[m.month - 1]}<br><small>{m.year}</small></th>" for m in months)
    body = []
    for who, counts in rows:
        cells = "".join(
            f'<td style="background:rgba(90,103,216,{0.1 + 0.8 * c / peak:.2f})'
            f'{";color:#fff" if c / peak > 0.55 else ""}">{c}</td>'
            if c
            else "<td></td>"
            for c in counts
        )
        body.append(f'<tr><th class="who" title="{_e(who)}">{_e(_short(who, 60))}</th>{cells}</tr>')
    return (
        '<div class="scroll"><table class="load"><thead><tr><th>Исполнитель</th>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _dates_cell(item: dict[str, Any]) -> str:
    start, end = item["deadline_start"], item["deadline_end"]
    text = _fmt(start) if start == end else " – ".join(x for x in (_fmt(start), _fmt(end)) if x)
    times = "–".join(t for t in (item["deadline_start_time"], item["deadline_end_time"]) if t)
    if item["deadline_kind"] == "by" and end:
        text = "до " + _fmt(end)
    elif item["deadline_kind"] == "from" and start:
        text = "с " + _fmt(start)
    return _e(text + (f" {times}" if times else ""))


def _items_table(items: list[dict[str, Any]], table_id: str) -> str:
    rows = []
    for item in items:
        warned = ' class="warn"' if item["warnings"] else ""
        refs = "; ".join(r["text"] for r in item["legal_refs"] or [] if r.get("text"))
        notes = "".join(f'<div class="wtext">⚠ {_e(w)}</div>' for w in item["warnings"] or [])
        rows.append(
            f"<tr{warned}><td>{_e(item['item_no'] or '')}</td><td>{_e(item['action'])}{notes}</td>"
            f"<td>{_e(item['deadline_text'])}</td>"
            f"<td>{_e(DEADLINE_LABELS.get(item['deadline_kind'], item['deadline_kind']))}</td>"
            f'<td class="nowrap">{_dates_cell(item)}</td>'
            f"<td>{_e('; '.join(item['executors'] or []))}</td><td>{_e(refs)}</td></tr>"
        )
    return (
        f'<input type="search" class="filter" data-table="{table_id}" '
        'placeholder="Поиск по пунктам…" aria-label="Поиск по пунктам">'
        f'<div class="scroll"><table class="items" id="{table_id}"><thead><tr><th>№</th>'
        "<th>Мероприятие</th><th>Срок</th><th>Вид срока</th><th>Даты</th><th>Исполнители</th>"
        f"<th>Основание</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _legend(doc: dict[str, Any]) -> str:
    keys = [
        (f'<span class="sw" style="background:{BAR}"></span>', "период / день"),
        (f'<span class="sw diamond" style="background:{BY}"></span>', "не позднее"),
        (
            f'<span class="sw" style="background:linear-gradient(90deg,{FROM},#fff)"></span>',
            "не ранее (открытый)",
        ),
        (f'<span class="sw" style="background:{RECUR}"></span>', "повторяется"),
        (
            f'<span class="sw" style="background:{WARN_BG};outline:1px solid #b7791f"></span>',
            "есть предупреждения",
        ),
    ]
    keys += [
        (f'<span class="sw line" style="border-color:{c}"></span>', f"{n}")
        for n, _, c in _anchors(doc)
    ]
    return '<div class="legend">' + "".join(f"<span>{s} {_e(t)}</span>" for s, t in keys) + "</div>"


def _plan_section(doc: dict[str, Any], items: list[dict[str, Any]], n: int) -> str:
    title = doc.get("title") or doc["source"]
    meta = [KIND_LABELS.get(doc["kind"], doc["kind"])]
    if doc.get("issuer"):
        meta.append(doc["issuer"])
    act = " ".join(
        x
        for x in (
            f"от {_fmt(doc['act_date'])}" if doc.get("act_date") else "",
            f"№ {doc['act_number']}" if doc.get("act_number") else "",
        )
        if x
    )
    if act:
        meta.append(act)
    if doc.get("approved_by"):
        meta.append(f"утв. {doc['approved_by']}")
    anchors = (
        "".join(
            f'<span class="chip" style="border-color:{c};color:{c}">{_e(name)}: {_fmt(day)}</span>'
            for name, day, c in _anchors(doc)
        )
        or '<span class="chip muted">якорные даты не найдены</span>'
    )
    kinds = Counter(i["deadline_kind"] for i in items)
    undated = [i for i in items if i["deadline_start"] is None and i["deadline_end"] is None]
    warned = [i for i in items if i["warnings"]]
    doc_warn = "".join(f"<li>{_e(w)}</li>" for w in doc.get("warnings") or [])
    svg = gantt(doc, items)
    parts = [
        f'<section class="plan" id="plan-{n}"><h2>{_e(title)}</h2>',
        f'<p class="meta">{_e(" · ".join(meta))}</p>',
        f'<p class="meta src">{_e(doc["source"])} · {_e(doc["format"])}/{_e(doc["method"])} · '
        f"doc_id {_e(doc['doc_id'][:12])}…</p>",
        f'<div class="chips">{anchors}',
        '<span class="stats">'
        f"<span><b>{len(items)}</b> пунктов</span>"
        f"<span><b>{len(items) - len(undated)}</b> с датами</span>"
        f"<span><b>{len(undated)}</b> без дат</span>"
        f'<span class="{"w" if warned or doc_warn else ""}"><b>{len(warned)}</b> с предупреждениями'
        "</span></span></div>",
    ]
    if doc_warn:
        parts.append(
            f'<div class="warnbox"><b>Предупреждения документа</b><ul>{doc_warn}</ul></div>'
        )
    parts.append("<h3>Сроки</h3>")
    if svg:
        parts.append(_legend(doc) + f'<div class="scroll">{svg}</div>')
    else:
        parts.append('<p class="muted">В плане нет пунктов с датами.</p>')
    if warned:
        li = "".join(
            f"<li><b>{_e(i['item_no'] or '#' + str(i['ordinal']))}</b> "
            f"{_e(_short(i['action'], 120))}: {_e('; '.join(i['warnings']))}</li>"
            for i in warned
        )
        parts.append(f'<div class="warnbox"><b>Пункты с предупреждениями</b><ul>{li}</ul></div>')
    parts.append(
        "<h3>Нагрузка исполнителей по месяцам</h3>"
        + _load_table(items, [a[1] for a in _anchors(doc)])
    )
    if undated:
        by_kind = ", ".join(
            f"{DEADLINE_LABELS.get(k, k)}: {c}"
            for k, c in sorted(Counter(i["deadline_kind"] for i in undated).items())
        )
        li = "".join(
            f"<li><b>{_e(i['item_no'] or '')}</b> {_e(_short(i['action'], 140))} "
            f'<span class="muted">— {_e(i["deadline_text"])}</span></li>'
            for i in undated
        )
        parts.append(
            f"<details><summary>Пункты без дат ({len(undated)}: {_e(by_kind)})</summary>"
            f'<ul class="undated">{li}</ul></details>'
        )
    kinds_txt = ", ".join(f"{DEADLINE_LABELS.get(k, k)} {c}" for k, c in sorted(kinds.items()))
    parts.append(
        f"<details><summary>Все пункты ({len(items)}; {_e(kinds_txt)})</summary>"
        f"{_items_table(items, f'items-{n}')}</details></section>"
    )
    return "".join(parts)


def _summary(
    docs: list[dict[str, Any]], items: list[dict[str, Any]], failures: list[dict[str, Any]]
) -> str:
    kinds = Counter(d["kind"] for d in docs)
    dated = sum(1 for i in items if i["deadline_start"] or i["deadline_end"])
    warnings = sum(len(i["warnings"] or []) for i in items) + sum(
        len(d["warnings"] or []) for d in docs
    )
    cards = [
        (
            len(docs),
            "документов",
            ", ".join(f"{KIND_LABELS.get(k, k)}: {c}" for k, c in sorted(kinds.items())),
        ),
        (len(items), "пунктов", f"с датами {dated}, без дат {len(items) - dated}"),
        (warnings, "предупреждений", ""),
        (len(failures), "не прочитано", ""),
    ]
    out = ['<div class="cards">']
    for value, label, note in cards:
        bad = " bad" if label == "не прочитано" and value else ""
        out.append(
            f'<div class="card{bad}"><b>{value}</b><span>{label}</span>'
            f"<small>{_e(note)}</small></div>"
        )
    out.append("</div>")
    by_kind = Counter(i["deadline_kind"] for i in items)
    if by_kind:
        peak = max(by_kind.values())
        bars = "".join(
            f'<div class="hb"><span>{_e(DEADLINE_LABELS.get(k, k))}</span>'
            f'<i style="width:{100 * c / peak:.0f}%"></i><b>{c}</b></div>'
            for k, c in by_kind.most_common()
        )
        out.append(
            f'<div class="cols"><div><h3>Пункты по видам сроков</h3>'
            f'<div class="hbars">{bars}</div></div><div>'
        )
    else:
        out.append('<div class="cols"><div></div><div>')
    if docs:
        toc = "".join(
            f'<li><a href="#plan-{n}">{_e(d.get("title") or d["source"])}</a> '
            f'<span class="muted">({d["items"]} п.)</span></li>'
            for n, d in enumerate(docs)
        )
        out.append(f'<h3>Планы</h3><ol class="toc">{toc}</ol>')
    if failures:
        reasons = Counter((f["stage"], f["error"]) for f in failures)
        rlist = "".join(
            f'<li><b>{c}</b> × {_e(err)} <span class="muted">({_e(stage)})</span></li>'
            for (stage, err), c in reasons.most_common()
        )
        rows = "".join(
            f"<tr><td>{_e(f['source'])}</td><td>{_e(f['format'] or '')}</td>"
            f"<td>{_e(f['stage'])}</td><td>{_e(f['error'])}</td>"
            f'<td class="muted">{_e(f["detail"] or "")}</td></tr>'
            for f in failures
        )
        out.append(
            f'<div class="failbox"><h3>Не прочитаны: {len(failures)}</h3><ul>{rlist}</ul>'
            f"<details><summary>Файлы ({len(failures)})</summary>"
            '<div class="scroll"><table class="items"><thead><tr><th>Файл</th><th>Формат</th>'
            "<th>Этап</th><th>Ошибка</th><th>Подробности</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div></details></div>"
        )
    out.append("</div></div>")
    return "".join(out)


CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 margin:0;color:#1a202c;background:#f7fafc}
header{background:#1a365d;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
main{padding:8px 28px 40px;max-width:1420px}
h2{font-size:19px;margin:0 0 4px}h3{font-size:15px;margin:18px 0 8px}
section.plan,.summary{background:#fff;border:1px solid #e2e8f0;border-radius:8px;
 padding:16px 20px;margin:18px 0}
.meta{margin:2px 0;color:#4a5568}.src{font-size:12px;color:#718096}
.muted{color:#718096}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:8px 16px;min-width:170px}
.card b{font-size:24px;display:block}.card small{color:#718096;display:block}
.card.bad{border-color:#feb2b2;background:#fff5f5}
.chips{margin:8px 0}.chip{display:inline-block;border:1px solid;border-radius:12px;
 padding:1px 10px;margin-right:8px;font-size:13px}
.stats{display:inline-flex;gap:18px;margin:0 0 0 12px}.stats .w b{color:#b7791f}
.warnbox{background:#fffbea;border-left:4px solid #d69e2e;padding:8px 14px;margin:10px 0}
.warnbox ul{margin:4px 0;padding-left:20px}
.failbox{background:#fff5f5;border-left:4px solid #e53e3e;padding:4px 14px;margin:12px 0}
.scroll{overflow-x:auto}
svg.gantt{display:block;font-size:11px;width:100%;height:auto;min-width:900px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px}
svg .grid{stroke:#e2e8f0}svg .axis{stroke:#a0aec0}
svg .month{fill:#4a5568;font-size:11px}svg .label{fill:#2d3748}
svg .label.warn{fill:#975a16;font-weight:600}svg .zebra{fill:#f7fafc}
svg .lead{stroke:#cbd5e0;stroke-dasharray:2 3}svg .anchor{font-size:11px;font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:16px;font-size:12px;margin:4px 0 6px}
.sw{display:inline-block;width:22px;height:10px;vertical-align:middle;border-radius:2px}
.sw.diamond{width:10px;transform:rotate(45deg)}
.sw.line{width:0;height:14px;border-left:2px solid}
table{border-collapse:collapse}
table.load td,table.load th{border:1px solid #e2e8f0;padding:2px 6px;text-align:center;
 font-size:12px;min-width:34px}
table.load th.who{text-align:left;font-weight:400;white-space:nowrap;max-width:420px;
 overflow:hidden;text-overflow:ellipsis}
table.items{width:100%;font-size:12.5px}
table.items th,table.items td{border-bottom:1px solid #e2e8f0;padding:4px 6px;
 vertical-align:top;text-align:left}
table.items tr.warn td{background:#fff3c4}.wtext{color:#975a16;font-size:12px}
.nowrap{white-space:nowrap}
details{margin:10px 0}summary{cursor:pointer;font-weight:600}
input.filter{margin:8px 0;padding:4px 8px;width:320px;border:1px solid #cbd5e0;
 border-radius:4px}
.hbars{max-width:640px}.hb{display:grid;grid-template-columns:170px 1fr 40px;
 align-items:center;gap:8px;font-size:13px}
.hb i{display:block;height:10px;background:#718096;border-radius:2px}
ol.toc li{margin:2px 0}
footer{color:#718096;font-size:12px;padding:0 28px 20px}
"""

JS = """
document.querySelectorAll('input.filter').forEach(function (box) {
  box.addEventListener('input', function () {
    var q = box.value.toLowerCase();
    var rows = document.getElementById(box.dataset.table).tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      rows[i].style.display = rows[i].textContent.toLowerCase().indexOf(q) < 0 ? 'none' : '';
    }
  });
});
"""


def render(out: str) -> str:
    """The report page for the datasets under ``out``."""
    store = DatasetStore(out)
    docs = sorted(store.read("documents").to_pylist(), key=lambda d: (d["source"], d["doc_id"]))
    items = store.read("items").to_pylist()
    failures = sorted(store.read("failures").to_pylist(), key=lambda f: f["source"])
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_doc[item["doc_id"]].append(item)
    for rows in by_doc.values():
        rows.sort(key=lambda i: i["ordinal"])
    stamps = [d["ingested_at"] for d in docs] + [f["ingested_at"] for f in failures]
    when = max(stamps).strftime("%d.%m.%Y %H:%M UTC") if stamps else "—"
    known = {d["doc_id"] for d in docs}
    shown = [i for i in items if i["doc_id"] in known]
    sections = "".join(_plan_section(d, by_doc.get(d["doc_id"], []), n) for n, d in enumerate(docs))
    return (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>kalplan — отчёт</title>"
        f"<style>{CSS}</style></head><body>"
        "<header><h1>kalplan — отчёт по планам</h1>"
        f"<p>{_e(out)} · данные от {_e(when)}</p></header><main>"
        f'<div class="summary"><h2>Сводка</h2>{_summary(docs, shown, failures)}</div>'
        f"{sections or '<p class=muted>Нет прочитанных планов.</p>'}</main>"
        "<footer>Сформировано kalplan. Наведите курсор на строку графика, чтобы увидеть пункт "
        "полностью.</footer>"
        f"<script>{JS}</script></body></html>"
    )


def write_report(out: str, to: str) -> None:
    """Write the self-contained HTML report of ``out`` to ``to``."""
    page = render(out)
    fs, path = fsspec.core.url_to_fs(to)
    parent = str(Path(path).parent)
    if parent not in ("", "."):
        fs.makedirs(parent, exist_ok=True)
    with fs.open(path, "w", encoding="utf-8") as fh:
        fh.write(page)

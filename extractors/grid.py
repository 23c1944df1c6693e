"""Page geometry for OCR with OpenCV: skew, ruling lines, table grids and cell boxes.

Ruling lines come from a morphological opening of the binarised page with long horizontal
and vertical kernels; a connected set of lines is one table. The distinct line positions make
a grid; a grid boundary that no line covers joins the cells on its two sides, so merged cells
and section rows spanning the width come out as one cell with a span.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

MAX_SKEW = 5.0  # degrees


@dataclass(frozen=True, slots=True)
class CellBox:
    """A grid cell (maybe merged) and its box in page pixels (x0, y0, x1, y1)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]


@dataclass(slots=True)
class Grid:
    """One ruled table: line positions and its cells in reading order."""

    xs: list[int]
    ys: list[int]
    cells: list[CellBox] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def binarize(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Ink = 255 on 0, robust to uneven light and scanner noise."""
    block = max(15, (dpi // 10) | 1)
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def line_masks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines of a binarised page."""
    h_len = max(10, int(dpi * 0.4))
    v_len = max(8, int(dpi * 0.15))
    horiz = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1))
    )
    vert = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))
    )
    # Heal one-pixel breaks along the lines (noise, JPEG) without thickening them much.
    heal = max(3, dpi // 60) | 1
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (heal, 1)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (1, heal)))
    return horiz, vert


def estimate_skew(gray: np.ndarray, dpi: int) -> float:
    """Page skew in degrees (positive: content turned counter-clockwise).

    The page is binarised at ~100 dpi and turned by candidate angles, coarse to fine; the
    angle at which the row profile of the ink is sharpest wins. Long rules and text
    baselines both make the profile sharp, so ruled tables and plain text are handled alike
    (~0.1 s a page).
    """
    scale = min(1.0, 100.0 / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return _profile_skew(binarize(small, max(50, int(dpi * scale))))


def _profile_skew(ink: np.ndarray) -> float:
    """Skew (degrees, counter-clockwise positive) at which the row profile of the ink is
    sharpest: ink pixels are projected onto the turned y axis, coarse to fine."""
    ys, xs = np.nonzero(ink)
    if len(xs) < 100:
        return 0.0
    if len(xs) > 120_000:
        pick = np.random.default_rng(0).choice(len(xs), 120_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs = xs.astype(np.float32) - ink.shape[1] / 2
    ys = ys.astype(np.float32)
    size = ink.shape[0] + ink.shape[1]

    def sharpness(angle: float) -> float:
        # A line turned counter-clockwise by ``angle`` rises to the right: undo it.
        t = np.radians(angle)
        proj = ys * np.cos(t) + xs * np.sin(t)
        profile = np.bincount(
            (proj + ink.shape[1] / 2).astype(np.int32).clip(0, size), minlength=size + 1
        )
        return float(np.square(np.diff(profile.astype(np.float64))).sum())

    best = 0.0
    for step, span in ((0.5, MAX_SKEW), (0.1, 0.5), (0.02, 0.1)):
        candidates = np.arange(best - span, best + span + 1e-9, step)
        best = float(max(candidates, key=sharpness))
    return best


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """``gray`` rotated by ``angle`` degrees (counter-clockwise), white fill, same size."""
    h, w = gray.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        gray, rot, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def deskew(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, float]:
    """The page turned straight, and the skew that was removed."""
    skew = estimate_skew(gray, dpi)
    if abs(skew) < 0.05:
        return gray, skew
    return rotate(gray, -skew), skew


@dataclass(frozen=True, slots=True)
class _Seg:
    pos: float  # y of a horizontal segment, x of a vertical one
    start: int
    end: int
    label: int

    @property
    def length(self) -> int:
        return self.end - self.start


def _segments(mask: np.ndarray, horizontal: bool, min_len: int) -> tuple[list[_Seg], np.ndarray]:
    """Line segments of a line mask (its connected components) and their label image."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if horizontal and w >= min_len:
            out.append(_Seg(y + h / 2, int(x), int(x + w), i))
        elif not horizontal and h >= min_len:
            out.append(_Seg(x + w / 2, int(y), int(y + h), i))
    return out, labels


def _alone(ink: np.ndarray, seg: _Seg, dpi: int) -> bool:
    """Whether a vertical segment has no ink close on both sides along most of it."""
    x = round(seg.pos)
    near, far = max(2, dpi // 50), max(4, dpi // 25)
    rows = ink[seg.start + far : seg.end - far]  # not where it crosses the rules
    left = rows[:, max(0, x - far) : max(0, x - near)].any(axis=1)
    right = rows[:, x + near : x + far].any(axis=1)
    return float((left & right).mean()) < 0.15 if len(rows) else False


def _keep(labels: np.ndarray, segs: list[_Seg]) -> np.ndarray:
    """The mask of the given segments only."""
    lut = np.zeros(int(labels.max()) + 1, np.uint8)
    for seg in segs:
        lut[seg.label] = 255
    return lut[labels]


def _cluster(positions: list[tuple[float, float]], tol: float) -> list[int]:
    """Positions (with weights) merged when closer than ``tol``; weighted means."""
    out: list[tuple[float, float]] = []
    for pos, weight in sorted(positions):
        if out and pos - out[-1][0] <= tol:
            p, w = out[-1]
            out[-1] = ((p * w + pos * weight) / (w + weight), w + weight)
        else:
            out.append((pos, weight))
    return [round(p) for p, _ in out]


def _drop_close(lines: list[int], min_gap: int) -> list[int]:
    """Double rules and near-duplicates: keep the first of lines closer than ``min_gap``."""
    out: list[int] = []
    for v in lines:
        if out and v - out[-1] < min_gap:
            continue
        out.append(v)
    return out


def _ruled(mask: np.ndarray, horizontal: bool, pos: int, a: int, b: int, tol: int) -> bool:
    """Whether a ruling line runs along the grid line at ``pos`` over the span [a, b).

    The line must cover the span with no gap longer than ``tol``: a letter stroke that
    touches a rule (and so survives the opening) leaves a gap at the other end.
    """
    if b <= a:
        return True
    if horizontal:
        hit = mask[max(0, pos - tol) : pos + tol + 1, a:b].any(axis=0)
    else:
        hit = mask[a:b, max(0, pos - tol) : pos + tol + 1].any(axis=1)
    if not hit.size or hit.mean() < 0.7:
        return False
    padded = np.concatenate(([True], hit, [True]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    gaps = edges[1::2] - edges[0::2]
    return not gaps.size or int(gaps.max()) <= tol


def find_grids(ink: np.ndarray, dpi: int) -> list[Grid]:
    """Ruled tables of a binarised, deskewed page (found at ~150 dpi, in page pixels)."""
    f = max(1, round(dpi / 150))
    if f > 1:
        h, w = ink.shape
        small = cv2.resize(ink, (w // f, h // f), interpolation=cv2.INTER_AREA)
        ink = np.where(small >= 96, 255, 0).astype(np.uint8)
        dpi = max(50, dpi // f)
    horiz, vert = line_masks(ink, dpi)
    lines = cv2.bitwise_or(horiz, vert)
    joined = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    grids: list[Grid] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < dpi * 0.8 or h < dpi * 0.15:
            continue
        region = labels[y : y + h, x : x + w] == i
        box = (slice(y, y + h), slice(x, x + w))
        grid = _grid(region, horiz[box], vert[box], ink[box], dpi)
        if grid is None:
            continue
        grid.xs = [(v + int(x)) * f for v in grid.xs]
        grid.ys = [(v + int(y)) * f for v in grid.ys]
        grid.cells = [
            CellBox(c.row, c.col, c.rowspan, c.colspan,
                    tuple((v + o) * f for v, o in zip(c.box, (x, y, x, y), strict=True)))  # type: ignore[arg-type]
            for c in grid.cells
        ]  # fmt: skip
        grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _grid(
    region: np.ndarray, horiz: np.ndarray, vert: np.ndarray, ink: np.ndarray, dpi: int
) -> Grid | None:
    """The grid of one connected set of ruling lines (coordinates of the region)."""
    tol = max(3, dpi // 50)
    min_cell = max(6, int(dpi * 0.08))
    hm = np.where(region, horiz, 0).astype(np.uint8)
    vm = np.where(region, vert, 0).astype(np.uint8)
    hsegs, hlab = _segments(hm, True, int(dpi * 0.4))
    vsegs, vlab = _segments(vm, False, int(dpi * 0.15))
    if len(hsegs) < 2:
        return None
    ys = _drop_close(_cluster([(s.pos, s.length) for s in hsegs], tol), min_cell)

    def at_rule(v: int) -> bool:
        return any(abs(v - y) <= tol + 2 for y in ys)

    # Short vertical bits are rules when they run from rule to rule with blank space on
    # both sides; a letter stroke (``ф`` filling a tight row) has its bowl beside it.
    vsegs = [
        s for s in vsegs
        if s.length >= dpi * 0.4 or (at_rule(s.start) and at_rule(s.end) and _alone(ink, s, dpi))
    ]  # fmt: skip
    if len(vsegs) < 2:
        return None
    xs = _drop_close(_cluster([(s.pos, s.length) for s in vsegs], tol), min_cell)
    # Tables without outer side or top/bottom rules: the lines' extent closes them.
    left = min(s.start for s in hsegs)
    right = max(s.end for s in hsegs)
    top = min(s.start for s in vsegs)
    bottom = max(s.end for s in vsegs)
    if xs[0] - left > min_cell:
        xs.insert(0, left)
    if right - xs[-1] > min_cell:
        xs.append(right)
    if ys[0] - top > min_cell:
        ys.insert(0, top)
    if bottom - ys[-1] > min_cell:
        ys.append(bottom)
    if len(xs) < 2 or len(ys) < 2:
        return None
    grid = Grid(xs, ys)
    grid.cells = _cells(grid, _keep(hlab, hsegs), _keep(vlab, vsegs), tol)
    return grid


def _cells(grid: Grid, horiz: np.ndarray, vert: np.ndarray, tol: int) -> list[CellBox]:
    """Grid cells, joining neighbours that no ruling line separates."""
    xs, ys = grid.xs, grid.ys
    nr, nc = grid.n_rows, grid.n_cols
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    inset = tol // 2 + 2
    for r in range(nr):
        for c in range(nc - 1):
            a, b = ys[r] + inset, ys[r + 1] - inset
            if not _ruled(vert, False, xs[c + 1], a, b, tol):
                union(r * nc + c, r * nc + c + 1)
    for r in range(nr - 1):
        for c in range(nc):
            a, b = xs[c] + inset, xs[c + 1] - inset
            if not _ruled(horiz, True, ys[r + 1], a, b, tol):
                union(r * nc + c, (r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members)
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members)
        cells.append(
            CellBox(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        )
    cells.sort(key=lambda cb: (cb.row, cb.col))
    return cells

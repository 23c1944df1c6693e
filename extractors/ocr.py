"""OCR of scanned pages into tables and paragraphs.

A page is rasterised (PDF pages with pypdfium2 at ``options.ocr_dpi``), turned straight
(:func:`extractors.grid.deskew`), and its ruled tables found (:func:`extractors.grid.find_grids`).
Every non-empty cell is cropped, cleared of rule remnants and recognised on its own with
tesseract ``--psm 6`` (whole-page OCR reads across columns and interleaves cells); a cell's
``confidence`` is the mean word confidence. Text outside the tables becomes one
:class:`Paragraph` per line. A page without ruling lines is recognised whole and its words
are clustered into columns by x-gaps and into rows by line positions.

Pages run in parallel, one tesseract engine per core (in-process C API, see
:mod:`extractors.tesseract`). Bounding boxes are in PDF points (1/72 in) from the top-left of
the straightened page.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from extractors import grid as geo
from extractors import tesseract
from extractors.base import ExtractionError, ExtractOptions
from extractors.layout import PAGE_NUMBER as _PAGE_NUMBER
from extractors.layout import layout_page, mean_conf
from schemas import Block, Cell, Paragraph, Table

CELL_PSM = 6  # a cell is one uniform block of text
PAGE_PSM = 4  # a page without rules: one column of lines of variable size
TEXT_PSM = 3  # text around tables: automatic layout (title blocks, approval stamps)

MIN_CONTRAST = 60  # grey levels between ink and paper in a cell with text
MAX_PAGE_PIXELS = 80_000_000  # an A3 page at 600 dpi is 70 Mpx


@dataclass(slots=True)
class Stats:
    """Where OCR time goes (seconds summed over threads; ``*_cpu`` is thread CPU time)."""

    pages: int = 0
    cells: int = 0
    empty_cells: int = 0
    tesseract: float = 0.0
    tesseract_cpu: float = 0.0
    geometry: float = 0.0
    geometry_cpu: float = 0.0
    wall: float = 0.0

    def add(self, other: Stats) -> None:
        self.pages += other.pages
        self.cells += other.cells
        self.empty_cells += other.empty_cells
        self.geometry += other.geometry
        self.geometry_cpu += other.geometry_cpu


_STATS = Stats()
_STATS_LOCK = threading.Lock()


def stats(reset: bool = False) -> Stats:
    """Process-wide counters (for the benchmark); ``reset`` zeroes them afterwards."""
    global _STATS
    with _STATS_LOCK:
        out = Stats(**{f: getattr(_STATS, f) for f in Stats.__dataclass_fields__})
        if reset:
            _STATS = Stats()
    return out


def workers(options: ExtractOptions) -> int:
    """Threads (= tesseract engines) to use: ``options.extra['ocr_workers']`` or the cores."""
    wanted = options.extra.get("ocr_workers")
    if isinstance(wanted, int) and wanted > 0:
        return wanted
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --- entry points -----------------------------------------------------------------------


def ocr_pdf_pages(data: bytes, pages: list[int], options: ExtractOptions) -> list[Block]:
    """Blocks of the given 1-based pages of a PDF, rasterised at ``options.ocr_dpi``."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:
        raise ExtractionError("the PDF could not be opened for OCR", detail=str(exc)) from exc
    try:
        count = len(pdf)
        wanted = [p for p in pages if 1 <= p <= count][: options.max_pages]

        def render() -> Iterable[tuple[int, np.ndarray, int]]:
            for number in wanted:
                page = pdf[number - 1]
                try:
                    width, height = page.get_size()
                    dpi = options.ocr_dpi
                    # Huge page boxes would make huge bitmaps: lower the resolution instead.
                    pixels = width * height * (dpi / 72.0) ** 2
                    if pixels > MAX_PAGE_PIXELS:
                        dpi = max(50, int(dpi * (MAX_PAGE_PIXELS / pixels) ** 0.5))
                    bitmap = page.render(scale=dpi / 72.0, grayscale=True)
                    arr = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
                finally:
                    page.close()
                if arr.ndim == 3:
                    arr = np.asarray(cv2.cvtColor(arr[:, :, :3], cv2.COLOR_BGR2GRAY), np.uint8)
                yield number, arr, dpi

        return _run(render(), options)
    finally:
        pdf.close()


def ocr_images(
    images: list[Image.Image], options: ExtractOptions, first_page: int = 1
) -> list[Block]:
    """Blocks of page images (numbered from ``first_page``) in reading order."""
    return ocr_image_iter(iter(images), options, first_page)


def ocr_image_iter(
    images: Iterable[Image.Image], options: ExtractOptions, first_page: int = 1
) -> list[Block]:
    """Like :func:`ocr_images`, for pages decoded one at a time (multi-page TIFF)."""

    def pages() -> Iterable[tuple[int, np.ndarray, int]]:
        for i, img in enumerate(images):
            if i >= options.max_pages:
                break
            gray, dpi = _normalise(img, options.ocr_dpi)
            yield first_page + i, gray, dpi

    return _run(pages(), options)


def available() -> bool:
    """True when tesseract can be run (library or program)."""
    return tesseract.available()


def _normalise(img: Image.Image, target_dpi: int) -> tuple[np.ndarray, int]:
    """Greyscale array at about ``target_dpi``; the stated resolution or the text size says."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        background = Image.new("RGBA", img.size, "white")
        background.alpha_composite(img.convert("RGBA"))
        img = background
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = float(arr.max()) or 1.0
        gray = (arr * (255.0 / top)).clip(0, 255).astype(np.uint8)
    else:
        gray = np.asarray(img.convert("L"), dtype=np.uint8)
    dpi_info = img.info.get("dpi")
    dpi = 0.0
    if isinstance(dpi_info, tuple) and dpi_info and isinstance(dpi_info[0], int | float):
        dpi = float(dpi_info[0])
    if not 50 <= dpi <= 1200:
        dpi = _guess_dpi(gray)
    scale = target_dpi / dpi
    if abs(scale - 1.0) > 0.15 and 0.25 <= scale <= 4.0:
        interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        resized = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interp)
        return np.asarray(resized, np.uint8), target_dpi
    return gray, round(dpi)


def _guess_dpi(gray: np.ndarray) -> float:
    """Resolution from the height of letters (body text ~ 12 pt; x-height + ascenders)."""
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    n, _, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = [
        int(st[i, cv2.CC_STAT_HEIGHT])
        for i in range(1, n)
        if 4 <= st[i, cv2.CC_STAT_HEIGHT] <= 200
        and st[i, cv2.CC_STAT_WIDTH] <= 3 * st[i, cv2.CC_STAT_HEIGHT]
    ]
    if len(heights) < 20:
        return 300.0
    # A 12-pt letter is ~0.09 in tall on average (lower case with some capitals).
    return float(np.median(heights)) / 0.09


# --- the page pipeline ---------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    """One image to recognise and where its words go."""

    image: np.ndarray
    psm: int


Recognise = Callable[[Sequence[_Job]], list[list[tesseract.Word]]]


def _run(pages: Iterable[tuple[int, np.ndarray, int]], options: ExtractOptions) -> list[Block]:
    """Pages in parallel (geometry), their images through a pool of tesseract engines."""
    start = time.perf_counter()
    deadline = start + options.timeout if options.timeout else None
    n = workers(options)
    out: list[Block] = []
    with (
        ThreadPoolExecutor(n, thread_name_prefix="ocr-page") as page_pool,
        ThreadPoolExecutor(n, thread_name_prefix="ocr-tess") as tess_pool,
    ):
        pending: deque[Future[list[Block]]] = deque()

        def drain(limit: int) -> None:
            while len(pending) > limit:
                out.extend(pending.popleft().result())

        try:
            for number, gray, dpi in pages:
                if deadline is not None and time.perf_counter() > deadline:
                    raise ExtractionError(
                        f"OCR did not finish within {options.timeout:.0f} s",
                        detail=f"stopped before page {number}",
                    )
                recognise = _recogniser(tess_pool, n, dpi, options)
                turn = _orienter(options)
                pending.append(page_pool.submit(_page, gray, number, dpi, recognise, turn))
                drain(n)
            drain(0)
        finally:
            for fut in pending:
                fut.cancel()
    with _STATS_LOCK:
        _STATS.wall += time.perf_counter() - start
    return out


def _recogniser(pool: ThreadPoolExecutor, n: int, dpi: int, options: ExtractOptions) -> Recognise:
    """Runs a page's images on the engine pool, split in up to ``n`` chunks of similar area."""

    def chunk(jobs: list[_Job]) -> list[list[tesseract.Word]]:
        t, c = time.perf_counter(), time.thread_time()
        result: list[list[tesseract.Word]] = []
        with tesseract.engine(options.ocr_lang, options.timeout) as eng:
            for job in jobs:
                result.extend(eng.recognize([job.image], job.psm, dpi))
        with _STATS_LOCK:
            _STATS.tesseract += time.perf_counter() - t
            _STATS.tesseract_cpu += time.thread_time() - c
        return result

    def recognise(jobs: Sequence[_Job]) -> list[list[tesseract.Word]]:
        k = max(1, min(n, len(jobs) // 3))
        bins: list[list[int]] = [[] for _ in range(k)]
        load = [0] * k
        for i in sorted(range(len(jobs)), key=lambda i: -jobs[i].image.size):
            j = load.index(min(load))
            bins[j].append(i)
            load[j] += jobs[i].image.size
        futures = [pool.submit(chunk, [jobs[i] for i in b]) for b in bins if b]
        result: list[list[tesseract.Word]] = [[] for _ in jobs]
        for b, fut in zip([b for b in bins if b], futures, strict=True):
            for i, words in zip(b, fut.result(), strict=True):
                result[i] = words
        return result

    return recognise


OSD_DPI = 150  # orientation is judged on a smaller copy of the page
MIN_TURN_CONFIDENCE = 2.0  # tesseract's orientation confidence needed to turn a page


def _orienter(options: ExtractOptions) -> Callable[[np.ndarray, int], np.ndarray]:
    """Turns a page upright when tesseract's orientation detection ("osd") is sure it lies
    on its side or upside down (a sheet scanned sideways); else leaves it as it is."""

    def turn(gray: np.ndarray, dpi: int) -> np.ndarray:
        scale = min(1.0, OSD_DPI / dpi)
        small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        try:
            with tesseract.engine("osd", options.timeout) as eng:
                found = eng.orientation(small, max(70, round(dpi * scale)))
        except tesseract.TesseractError:
            return gray  # no orientation data: read the page as it is
        if found is None or found[0] == 0 or found[1] < MIN_TURN_CONFIDENCE:
            return gray
        return np.ascontiguousarray(np.rot90(gray, k=-(found[0] // 90)))  # clockwise

    return turn


def _page(
    gray: np.ndarray,
    number: int,
    dpi: int,
    recognise: Recognise,
    turn: Callable[[np.ndarray, int], np.ndarray] | None = None,
) -> list[Block]:
    """All blocks of one page, in reading order."""
    local = Stats(pages=1)
    t0, c0 = time.perf_counter(), time.thread_time()
    if turn is not None:
        gray = turn(gray, dpi)
    straight, _ = geo.deskew(gray, dpi)
    ink = geo.binarize(straight, dpi)
    grids = geo.find_grids(ink, dpi)
    local.geometry += time.perf_counter() - t0
    local.geometry_cpu += time.thread_time() - c0
    try:
        if grids:
            blocks = _ruled_page(straight, ink, grids, number, dpi, recognise, local)
        else:
            blocks = _plain_page(straight, number, dpi, recognise)
    except tesseract.TesseractError as exc:
        raise ExtractionError("OCR failed (tesseract)", detail=str(exc)) from exc
    with _STATS_LOCK:
        _STATS.add(local)
    return blocks


def _pt(v: float, dpi: int) -> float:
    return round(float(v) * 72.0 / dpi, 2)


def _bbox(box: tuple[float, float, float, float], dpi: int) -> tuple[float, float, float, float]:
    return (_pt(box[0], dpi), _pt(box[1], dpi), _pt(box[2], dpi), _pt(box[3], dpi))


def _ruled_page(
    gray: np.ndarray,
    ink: np.ndarray,
    grids: list[geo.Grid],
    number: int,
    dpi: int,
    recognise: Recognise,
    local: Stats,
) -> list[Block]:
    items: list[tuple[float, Block]] = []
    jobs: list[_Job] = []
    slots: list[tuple[int, geo.CellBox]] = []
    empty: set[tuple[int, int, int]] = set()
    for gi, grid in enumerate(grids):
        for cb in grid.cells:
            crop = _cell_crop(gray, ink, cb.box, dpi)
            local.cells += 1
            if crop is None:
                local.empty_cells += 1
                empty.add((gi, cb.row, cb.col))
                continue
            jobs.append(_Job(crop, CELL_PSM))
            slots.append((gi, cb))
    words = recognise(jobs) if jobs else []
    texts: dict[tuple[int, int, int], tuple[str, float | None]] = {}
    for (gi, cb), ws in zip(slots, words, strict=True):
        texts[(gi, cb.row, cb.col)] = _cell_text(ws, dpi)
    for gi, grid in enumerate(grids):
        rows: dict[int, list[Cell]] = {}
        for cb in grid.cells:
            text, conf = texts.get((gi, cb.row, cb.col), ("", None))
            rows.setdefault(cb.row, []).append(
                Cell(
                    text=text,
                    row=cb.row,
                    col=cb.col,
                    rowspan=cb.rowspan,
                    colspan=cb.colspan,
                    page=number,
                    bbox=_bbox(cb.box, dpi),
                    confidence=conf,
                )
            )
        table = Table(rows=[rows[r] for r in sorted(rows)], n_cols=grid.n_cols, page=number)
        items.append((grid.ys[0], table))
    # Text around the tables: the page with the tables blanked out.
    rest = gray.copy()
    for grid in grids:
        x0, y0, x1, y1 = grid.box
        pad = max(2, dpi // 60)
        rest[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = 255
    items.extend(_paragraphs(rest, number, dpi, recognise))
    items.sort(key=lambda it: it[0])
    return [b for _, b in items]


def _cell_crop(
    gray: np.ndarray, ink: np.ndarray, box: tuple[int, int, int, int], dpi: int
) -> np.ndarray | None:
    """The text of a cell: binarised (Otsu), rule remnants whitened, cut to its ink with a
    white margin; None when the cell is blank."""
    x0, y0, x1, y1 = box
    inset = max(1, dpi // 150)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    sub_ink = ink[y0:y1, x0:x1].copy()
    crop = gray[y0:y1, x0:x1].copy()
    _clear_edges(crop, sub_ink, dpi)
    found = _ink_box(sub_ink, dpi)
    return None if found is None else _text_image(crop, found, dpi)


def _ink_box(ink: np.ndarray, dpi: int) -> tuple[int, int, int, int] | None:
    """Bounding box of the letter-sized blobs of ink (specks of noise are not text)."""
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    n, _, st, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    if n <= 1:
        return None
    areas = st[1:, cv2.CC_STAT_AREA]
    heights = st[1:, cv2.CC_STAT_HEIGHT]
    keep = areas >= max(4, (dpi // 100) ** 2 * 3)
    if not (keep & (heights >= max(4, dpi // 35))).any():
        return None  # no blob as tall as a letter
    kept = st[1:][keep]
    x0 = int(kept[:, cv2.CC_STAT_LEFT].min())
    y0 = int(kept[:, cv2.CC_STAT_TOP].min())
    x1 = int((kept[:, cv2.CC_STAT_LEFT] + kept[:, cv2.CC_STAT_WIDTH]).max())
    y1 = int((kept[:, cv2.CC_STAT_TOP] + kept[:, cv2.CC_STAT_HEIGHT]).max())
    return x0, y0, x1, y1


def _text_image(crop: np.ndarray, box: tuple[int, int, int, int], dpi: int) -> np.ndarray | None:
    """Blurred and Otsu-binarised (what tesseract reads best on noisy scans), cut to the ink;
    None when ink and paper hardly differ (noise on a blank cell)."""
    pad = max(4, dpi // 30)
    top, bottom = max(0, box[1] - pad), box[3] + pad
    left, right = max(0, box[0] - pad), box[2] + pad
    part = cv2.GaussianBlur(crop[top:bottom, left:right], (3, 3), 0)
    threshold, binary = cv2.threshold(part, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    dark = part[part <= threshold]
    light = part[part > threshold]
    if not dark.size or not light.size or float(light.mean()) - float(dark.mean()) < MIN_CONTRAST:
        return None
    margin = max(8, dpi // 20)
    return cv2.copyMakeBorder(
        binary, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255
    )


def _clear_edges(crop: np.ndarray, ink: np.ndarray, dpi: int) -> None:
    """Whiten the rule remnants along the crop's edges: long straight runs of ink in the
    edge bands only, so letters touching a rule keep their strokes."""
    h, w = ink.shape
    band = min(max(3, dpi // 30), h // 2, w // 2)
    if band < 1:
        return
    h_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 2), 1))
    v_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h * 3 // 5)))
    mask = np.zeros_like(ink)
    for rows in (slice(0, band), slice(h - band, h)):
        mask[rows] |= cv2.morphologyEx(ink[rows], cv2.MORPH_OPEN, h_kernel)
    for cols in (slice(0, band), slice(w - band, w)):
        mask[:, cols] |= cv2.morphologyEx(
            np.ascontiguousarray(ink[:, cols]), cv2.MORPH_OPEN, v_kernel
        )
    if mask.any():
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
        crop[mask > 0] = 255
        ink[mask > 0] = 0


def _lines(words: list[tesseract.Word]) -> list[list[tesseract.Word]]:
    """Words grouped into tesseract's lines, in its reading order."""
    lines: dict[tuple[int, int, int], list[tesseract.Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    return list(lines.values())


_mean_conf = mean_conf


def _cell_text(words: list[tesseract.Word], dpi: int) -> tuple[str, float | None]:
    """A cell's text (lines joined by ``\n``, as read: repairs are the parsers' job) and
    its mean word confidence."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return "", None
    out = [" ".join(w.text for w in line) for line in _lines(words)]
    return "\n".join(out), _mean_conf(words)


def _paragraphs(
    gray: np.ndarray, number: int, dpi: int, recognise: Recognise
) -> list[tuple[float, Block]]:
    """One Paragraph per line of text on the (table-less) image."""
    ink = geo.binarize(gray, dpi)
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    if int(np.count_nonzero(solid)) < 50:
        return []
    words = recognise([_Job(gray, TEXT_PSM)])[0]
    height = gray.shape[0]
    out: list[tuple[float, Block]] = []
    for line in _lines(words):
        line = [w for w in line if w.text.strip()]
        if not line:
            continue
        text = " ".join(w.text for w in line)
        if not text:
            continue
        top = min(w.top for w in line)
        bottom = max(w.bottom for w in line)
        in_margin = top < 0.08 * height or bottom > 0.92 * height
        if in_margin and _PAGE_NUMBER.match(text):
            continue
        if _mean_conf(line) is not None and (_mean_conf(line) or 0) < 20 and len(text) <= 3:
            continue  # specks read as letters
        box = (min(w.left for w in line), top, max(w.right for w in line), bottom)
        out.append((float(top), Paragraph(text=text, page=number, bbox=_bbox(box, dpi),
                                          confidence=_mean_conf(line))))  # fmt: skip
    return out


# --- pages without ruling lines ----------------------------------------------------------------


def _plain_page(gray: np.ndarray, number: int, dpi: int, recognise: Recognise) -> list[Block]:
    """Words of the whole page, laid out by :func:`extractors.layout.layout_page`."""
    words = [w for w in recognise([_Job(gray, PAGE_PSM)])[0] if w.text.strip()]
    lines = sorted(_lines(words), key=lambda ln: min(w.top for w in ln))
    return layout_page(lines, number, dpi, gray.shape[0], lambda box: _bbox(box, dpi))


# The image backend lives beside this module; the registry finds it here as well.
from extractors.image import ImageBackend  # noqa: E402

__all__ = ["ImageBackend", "available", "ocr_image_iter", "ocr_images", "ocr_pdf_pages", "stats"]

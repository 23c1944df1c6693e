"""Tesseract, called in-process through its C API (``libtesseract.so.5``, via ctypes).

One :class:`Engine` is one ``TessBaseAPI`` handle with the language model loaded (loading
``rus`` costs ~0.3 s, so engines are pooled and reused); an engine is used by one thread at a
time. ctypes releases the GIL during the call, so threads with an engine each run in
parallel, one per core. When the library cannot be loaded, :class:`CliEngine` runs the
``tesseract`` program instead, one process per batch of images (the images of a batch are
OCR'd as the pages of one multi-page input).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# OpenMP inside tesseract would fight our own one-engine-per-core threads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

_LIB_NAMES = ("libtesseract.so.5", "libtesseract.so", "libtesseract.so.4")


class TesseractError(RuntimeError):
    """Tesseract is missing or failed."""


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word (tesseract TSV level 5), in the coordinates of its image."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


def parse_tsv(tsv: str) -> list[list[Word]]:
    """Words of tesseract TSV output, grouped by page (images of a batch are pages)."""
    pages: dict[int, list[Word]] = {}
    for raw in tsv.splitlines():
        parts = raw.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11].strip()
        if not text:
            continue
        page = int(parts[1])
        pages.setdefault(page, []).append(
            Word(
                text=text,
                conf=float(parts[10]),
                left=int(parts[6]),
                top=int(parts[7]),
                width=int(parts[8]),
                height=int(parts[9]),
                block=int(parts[2]),
                par=int(parts[3]),
                line=int(parts[4]),
            )
        )
    if not pages:
        return []
    last = max(pages)
    return [pages.get(i, []) for i in range(1, last + 1)]


def _load() -> ctypes.CDLL | None:
    names = list(_LIB_NAMES)
    found = ctypes.util.find_library("tesseract")
    if found:
        names.append(found)
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        vp, cp, ci = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        lib.TessBaseAPICreate.restype = vp
        lib.TessBaseAPIInit3.argtypes = [vp, cp, cp]
        lib.TessBaseAPIInit3.restype = ci
        lib.TessBaseAPISetPageSegMode.argtypes = [vp, ci]
        lib.TessBaseAPISetVariable.argtypes = [vp, cp, cp]
        lib.TessBaseAPISetVariable.restype = ci
        lib.TessBaseAPISetImage.argtypes = [vp, vp, ci, ci, ci, ci]
        lib.TessBaseAPISetSourceResolution.argtypes = [vp, ci]
        lib.TessBaseAPIRecognize.argtypes = [vp, vp]
        lib.TessBaseAPIRecognize.restype = ci
        lib.TessBaseAPIGetTsvText.argtypes = [vp, ci]
        lib.TessBaseAPIGetTsvText.restype = ctypes.POINTER(ctypes.c_char)
        lib.TessDeleteText.argtypes = [ctypes.POINTER(ctypes.c_char)]
        lib.TessBaseAPIClear.argtypes = [vp]
        lib.TessBaseAPIEnd.argtypes = [vp]
        lib.TessBaseAPIDelete.argtypes = [vp]
        fp = ctypes.POINTER(ctypes.c_float)
        lib.TessBaseAPIDetectOrientationScript.argtypes = [
            vp, ctypes.POINTER(ci), fp, ctypes.POINTER(cp), fp
        ]  # fmt: skip
        lib.TessBaseAPIDetectOrientationScript.restype = ci
        _quiet_leptonica()
        return lib
    return None


def _quiet_leptonica() -> None:
    """Leptonica prints harmless complaints about tiny images to stderr; silence them."""
    with contextlib.suppress(OSError, AttributeError):
        lept = ctypes.CDLL("liblept.so.5")
        lept.setMsgSeverity.argtypes = [ctypes.c_int]
        lept.setMsgSeverity(6)  # L_SEVERITY_NONE


_LIB: ctypes.CDLL | None = None
_LIB_LOCK = threading.Lock()
_LIB_TRIED = False


def library() -> ctypes.CDLL | None:
    """The tesseract C library, or None when it cannot be loaded."""
    global _LIB, _LIB_TRIED
    with _LIB_LOCK:
        if not _LIB_TRIED and os.environ.get("KALPLAN_TESSERACT_CLI") != "1":
            _LIB = _load()
        _LIB_TRIED = True
    return _LIB


class Engine:
    """A TessBaseAPI handle with ``lang`` loaded; one thread at a time."""

    def __init__(self, lang: str) -> None:
        lib = library()
        if lib is None:
            raise TesseractError("libtesseract could not be loaded")
        self.lang = lang
        self._lib = lib
        self._h = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self._h, None, lang.encode()) != 0:
            lib.TessBaseAPIDelete(self._h)
            self._h = None
            raise TesseractError(f"tesseract has no language data for {lang!r}")
        lib.TessBaseAPISetVariable(self._h, b"debug_file", b"/dev/null")

    def recognize(self, images: Sequence[np.ndarray], psm: int, dpi: int) -> list[list[Word]]:
        """Words of each greyscale image (uint8, 2-D)."""
        lib, h = self._lib, self._h
        lib.TessBaseAPISetPageSegMode(h, psm)
        out: list[list[Word]] = []
        for img in images:
            arr = np.ascontiguousarray(img, dtype=np.uint8)
            height, width = arr.shape
            lib.TessBaseAPISetImage(h, arr.ctypes.data, width, height, 1, width)
            lib.TessBaseAPISetSourceResolution(h, dpi)
            if lib.TessBaseAPIRecognize(h, None) != 0:
                raise TesseractError("tesseract failed to recognise an image")
            ptr = lib.TessBaseAPIGetTsvText(h, 0)
            try:
                tsv = ctypes.cast(ptr, ctypes.c_char_p).value or b""
            finally:
                lib.TessDeleteText(ptr)
            lib.TessBaseAPIClear(h)
            pages = parse_tsv(tsv.decode("utf-8", "replace"))
            out.append(pages[0] if pages else [])
        return out

    def orientation(self, img: np.ndarray, dpi: int) -> tuple[int, float] | None:
        """(degrees to turn the image clockwise to make it upright, confidence); needs an
        engine for "osd". None when tesseract cannot tell."""
        lib, h = self._lib, self._h
        arr = np.ascontiguousarray(img, dtype=np.uint8)
        height, width = arr.shape
        lib.TessBaseAPISetPageSegMode(h, 0)  # PSM_OSD_ONLY
        lib.TessBaseAPISetImage(h, arr.ctypes.data, width, height, 1, width)
        lib.TessBaseAPISetSourceResolution(h, dpi)
        deg, conf = ctypes.c_int(), ctypes.c_float()
        script, script_conf = ctypes.c_char_p(), ctypes.c_float()
        try:
            ok = lib.TessBaseAPIDetectOrientationScript(
                h, ctypes.byref(deg), ctypes.byref(conf), ctypes.byref(script),
                ctypes.byref(script_conf),
            )  # fmt: skip
        finally:
            lib.TessBaseAPIClear(h)
        return ((360 - deg.value) % 360, float(conf.value)) if ok else None

    def close(self) -> None:
        if self._h is not None:
            self._lib.TessBaseAPIEnd(self._h)
            self._lib.TessBaseAPIDelete(self._h)
            self._h = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class CliEngine:
    """The ``tesseract`` program: one process per batch of images."""

    def __init__(self, lang: str, timeout: float = 120.0) -> None:
        exe = shutil.which("tesseract")
        if exe is None:
            raise TesseractError("the tesseract program is not installed")
        self.exe = exe
        self.lang = lang
        self.timeout = timeout

    def recognize(self, images: Sequence[np.ndarray], psm: int, dpi: int) -> list[list[Word]]:
        if not images:
            return []
        import cv2

        with tempfile.TemporaryDirectory(prefix="kalplan-ocr-") as tmp:
            files = []
            for i, img in enumerate(images):
                path = Path(tmp) / f"{i:05d}.png"
                cv2.imwrite(str(path), img)
                files.append(str(path))
            listing = Path(tmp) / "list.txt"
            listing.write_text("\n".join(files) + "\n")
            env = dict(os.environ, OMP_THREAD_LIMIT="1")
            try:
                proc = subprocess.run(
                    [
                        self.exe,
                        str(listing),
                        "stdout",
                        "-l",
                        self.lang,
                        "--psm",
                        str(psm),
                        "--dpi",
                        str(dpi),
                        "tsv",
                    ],
                    capture_output=True,
                    timeout=self.timeout,
                    env=env,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise TesseractError("tesseract timed out") from exc
            if proc.returncode != 0:
                raise TesseractError(proc.stderr.decode("utf-8", "replace")[-500:])
            pages = parse_tsv(proc.stdout.decode("utf-8", "replace"))
        pages += [[] for _ in range(len(images) - len(pages))]
        return pages[: len(images)]

    def orientation(self, img: np.ndarray, dpi: int) -> tuple[int, float] | None:
        """As :meth:`Engine.orientation`, from ``tesseract --psm 0``."""
        import cv2

        with tempfile.TemporaryDirectory(prefix="kalplan-ocr-") as tmp:
            path = Path(tmp) / "page.png"
            cv2.imwrite(str(path), img)
            try:
                proc = subprocess.run(
                    [self.exe, str(path), "stdout", "--psm", "0", "--dpi", str(dpi)],
                    capture_output=True,
                    timeout=self.timeout,
                    env=dict(os.environ, OMP_THREAD_LIMIT="1"),
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise TesseractError("tesseract timed out") from exc
        found = dict(re.findall(r"^(Rotate|Orientation confidence): ([\d.]+)", proc.stdout.decode(
            "utf-8", "replace"), re.M))  # fmt: skip
        if proc.returncode != 0 or "Rotate" not in found:
            return None
        return int(found["Rotate"]) % 360, float(found.get("Orientation confidence", 0.0))

    def close(self) -> None:
        pass


AnyEngine = Engine | CliEngine

_POOL: dict[str, queue.LifoQueue[AnyEngine]] = {}
_POOL_LOCK = threading.Lock()


def _forget_engines() -> None:
    """A forked child must not share the parent's engines: it makes its own."""
    global _POOL_LOCK
    _POOL.clear()
    _POOL_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_engines)


def _new_engine(lang: str, timeout: float) -> AnyEngine:
    if library() is not None:
        try:
            return Engine(lang)
        except TesseractError:
            if shutil.which("tesseract") is None:
                raise
    return CliEngine(lang, timeout)


@contextlib.contextmanager
def engine(lang: str, timeout: float = 120.0) -> Iterator[AnyEngine]:
    """Borrow an engine for ``lang`` from the process-wide pool."""
    with _POOL_LOCK:
        pool = _POOL.setdefault(lang, queue.LifoQueue())
    try:
        eng = pool.get_nowait()
    except queue.Empty:
        eng = _new_engine(lang, timeout)
    try:
        yield eng
    finally:
        pool.put(eng)


def available() -> bool:
    """True when tesseract can be run in some way."""
    return library() is not None or shutil.which("tesseract") is not None

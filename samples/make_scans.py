"""Make scanned look-alikes of the sample plans (for the OCR path).

For every ``samples/<stem>.pdf`` (the typed renderings) each page is rasterised at 200 dpi,
rotated by ±1° (alternating), given Gaussian noise and a slight blur, JPEG-compressed
(quality 70) and the pages are assembled into an image-only ``<out>/<stem>.scan.pdf`` and a
multi-page ``<out>/<stem>.scan.tiff`` (the image path). Deterministic: the noise RNG is
seeded from the stem.

When a stem has a gold file (``tests/gold/<stem>.json``) but no typed PDF yet, a stand-in PDF
is made with LibreOffice from a DOCX table built from the gold items.

    python samples/make_scans.py [--out DIR] [STEM ...]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOLD = ROOT / "tests" / "gold"
DPI = 200
ANGLE = 1.0
NOISE_SIGMA = 9.0
BLUR_RADIUS = 0.6
JPEG_QUALITY = 70
FIXED_DATE = time.gmtime(1577836800)  # 2020-01-01, keeps the PDF bytes reproducible


def rasterise(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    """Pages of ``pdf`` as greyscale images (pdftoppm)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"],
            check=True,
            timeout=300,
        )
        files = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [Image.open(f).convert("L") for f in files]


def degrade(page: Image.Image, index: int, rng: np.random.Generator) -> Image.Image:
    """One page made to look scanned: rotation, noise, blur, JPEG artefacts."""
    angle = ANGLE if index % 2 == 0 else -ANGLE
    img = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + rng.normal(0.0, NOISE_SIGMA, arr.shape).astype(np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    img = img.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=JPEG_QUALITY)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def make_scan(pdf: Path, out_dir: Path, stem: str) -> Path:
    """Write ``<out_dir>/<stem>.scan.pdf`` and ``.scan.tiff``; return the PDF path."""
    rng = np.random.default_rng(zlib.crc32(stem.encode()))
    pages = [degrade(p, i, rng) for i, p in enumerate(rasterise(pdf))]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}.scan.pdf"
    pages[0].save(
        target,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=float(DPI),
        creationDate=FIXED_DATE,
        modDate=FIXED_DATE,
    )
    bare = [Image.frombytes(p.mode, p.size, p.tobytes()) for p in pages]  # no JPEG metadata
    bare[0].save(
        out_dir / f"{stem}.scan.tiff",
        save_all=True,
        append_images=bare[1:],
        compression="jpeg",
        dpi=(DPI, DPI),
    )
    return target


def stand_in_pdf(gold: Path, work: Path) -> Path:
    """A typed PDF of the gold items' table, via python-docx and LibreOffice."""
    from docx import Document
    from docx.shared import Cm, Pt

    data = json.loads(gold.read_text(encoding="utf-8"))
    doc = Document()
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Serif"  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    if data.get("document", {}).get("title"):
        doc.add_paragraph(data["document"]["title"])
    widths = [Cm(1.3), Cm(8.2), Cm(3.5), Cm(4.0)]
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.autofit = False
    for cell, head in zip(
        table.rows[0].cells, ["№", "Мероприятие", "Срок", "Исполнитель"], strict=True
    ):
        cell.text = head
    section = None
    for item in data["items"]:
        if item.get("section") and item["section"] != section:
            section = item["section"]
            row = table.add_row().cells
            merged = row[0].merge(row[3])
            merged.text = section
        row = table.add_row().cells
        row[0].text = (item.get("item_no") or "") + ("." if item.get("item_no") else "")
        row[1].text = item["action"]
        row[2].text = item.get("deadline_text") or ""
        row[3].text = "\n".join(item.get("executors") or [])
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    docx = work / f"{gold.stem}.docx"
    doc.save(str(docx))
    profile = work / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(docx),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return work / f"{gold.stem}.pdf"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "scanned")
    ap.add_argument("stems", nargs="*")
    args = ap.parse_args(argv)
    stems = args.stems or sorted(
        {p.name[: -len(".pdf")] for p in HERE.glob("*.pdf") if not p.name.endswith(".scan.pdf")}
        | {p.stem for p in GOLD.glob("*.json")}
    )
    with tempfile.TemporaryDirectory() as tmp:
        for stem in stems:
            pdf = HERE / f"{stem}.pdf"
            if not pdf.exists():
                gold = GOLD / f"{stem}.json"
                if not gold.exists() or not shutil.which("soffice"):
                    print(f"skip {stem}: no typed PDF", file=sys.stderr)
                    continue
                pdf = stand_in_pdf(gold, Path(tmp))
            print(make_scan(pdf, args.out, stem))
    return 0


if __name__ == "__main__":
    sys.exit(main())

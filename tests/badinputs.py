"""A corpus of hostile and broken inputs, generated at test time (nothing is committed).

``make_corpus(DIR)`` writes the files and returns what each should become: a plan (with
its number of items) or a failure (stage and a pattern its reason must match). Run as a
script to write the corpus somewhere: ``python tests/badinputs.py /tmp/bad``.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROWS = [
    ("1", "Проведение заседания рабочей группы", "до 15 марта", "Рабочая группа"),
    ("2", "Подготовка и утверждение положения о штабе", "до 01 апреля", "Аппарат палаты"),
    ("3", "Обучение наблюдателей в муниципальных районах", "апрель-май", "Общественная палата"),
    ("4", "Размещение информации на сайте", "постоянно", "Пресс-служба"),
    ("5", "Подведение итогов работы", "до 30 сентября", "Рабочая группа"),
]
TITLE = "ПЛАН\nработы общественного штаба по наблюдению за выборами"


@dataclass(frozen=True)
class Expect:
    """What one input must become: ``items`` rows, or a failure at ``stage``.

    With ``or_fail`` set, a document is expected but a failure at that stage whose
    reason matches ``reason`` is also correct (e.g. an XXE DOCX refused outright).
    """

    stage: str | None = None  # None: a document
    reason: str = ""  # regex the failure's error must match (case-insensitive)
    items: int = 0
    or_fail: bool = False


def plan_text() -> str:
    """A small plan as tab-separated text (only characters KOI8-R can encode)."""
    lines = [TITLE, "", "N\tМероприятия\tСроки\tОтветственный"]
    lines += ["\t".join(r) for r in ROWS]
    return "\n".join(lines) + "\n"


def plan_docx(image: bytes | None = None, entity: bool = False) -> bytes:
    """A DOCX with the plan table; optionally an image and an external entity (XXE)."""
    import docx

    d = docx.Document()
    for line in TITLE.split("\n"):
        d.add_paragraph(line)
    table = d.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ("№", "Мероприятия", "Сроки", "Ответственный"), strict=True
    ):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    if image is not None:
        d.add_picture(io.BytesIO(image))
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    if entity:
        data = _with_external_entity(data)
    return data


def _with_external_entity(docx_bytes: bytes) -> bytes:
    """Rewrite word/document.xml with a DOCTYPE declaring a SYSTEM entity, and use it."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                text = body.decode("utf-8")
                head, rest = text.split("?>", 1)
                doctype = (
                    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
                    '<!ENTITY xxe2 SYSTEM "http://127.0.0.1:9/never">]>'
                )
                rest = rest.replace("Проведение заседания", "&xxe;&xxe2; Проведение заседания", 1)
                body = (head + "?>" + doctype + rest).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of any size, written without ever holding its pixels in memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    comp = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * width  # filter byte + white pixels
    parts = []
    for _ in range(height):
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def pdf(pages: int, encrypt: str | None = None) -> bytes:
    """A text PDF (reportlab) with the plan on page 1 and filler on the others."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for n in range(1, pages + 1):
        c.drawString(72, 800, f"Page {n}")
        for i in range(20):
            c.drawString(72, 760 - 14 * i, f"Line {i} of page {n}: filler text")
        c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted_flag(zip_bytes: bytes) -> bytes:
    """Mark every member of a zip as encrypted (flag bit 0) without encrypting it."""
    data = bytearray(zip_bytes)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i != -1:
            flags = struct.unpack_from("<H", data, i + off)[0]
            struct.pack_into("<H", data, i + off, flags | 0x1)
            i = data.find(sig, i + 4)
    return bytes(data)


class _Cp866Info(zipfile.ZipInfo):
    """A member name stored as legacy Russian archivers do: cp866, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp866"), self.flag_bits & ~0x800


def make_corpus(root: Path) -> dict[str, Expect]:
    """Write the corpus under ``root``; map each expected ``source`` to its outcome."""
    root.mkdir(parents=True, exist_ok=True)
    exp: dict[str, Expect] = {}

    def put(name: str, data: bytes, expect: Expect) -> None:
        (root / name).write_bytes(data)
        exp[str(root / name)] = expect

    good = Expect(items=len(ROWS))
    put("empty.pdf", b"", Expect("read", "empty"))
    whole = pdf(2)
    put("truncated.pdf", whole[: len(whole) // 2], Expect("extract", r"pdf|damaged|read"))
    put("encrypted.pdf", pdf(1, encrypt="secret"), Expect("extract", r"password|encrypt"))
    put("long.pdf", pdf(500), Expect("extract", r"pages|limit|not a plan|timed out"))
    put(
        "garbage.docx",
        bytes((i * 7919 + 13) % 256 for i in range(50_000)),
        Expect("extract", r"not a supported|damaged|binary"),
    )
    put(
        "no-table.html",
        "<html><body><h1>Новости</h1><p>Сегодня состоялось заседание.</p></body></html>".encode(),
        Expect("parse", r"not a plan"),
    )
    put("a-plan-koi8r.txt", plan_text().encode("koi8-r"), good)
    put(
        "xxe.docx",
        plan_docx(entity=True),
        Expect("extract", r"doctype|entit", items=len(ROWS), or_fail=True),
    )
    put("huge-image.docx", plan_docx(image=png(10_000, 10_000)), good)
    put(
        "bomb.png",
        png(15_000, 15_000),
        Expect("extract", r"large|bomb|pixels|memory|too|limit|timed out"),
    )
    put("slow.txt", b"SLEEP-FOREVER\n", Expect("parse", r"^timed out after \d+ s$"))

    bomb = root / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"0" * 60_000_000)
        zf.writestr("plan.txt", plan_text().replace("Рабочая группа", "Рабочая группа А"))
    exp[f"{bomb}!big.txt"] = Expect("read", "bomb")
    exp[f"{bomb}!plan.txt"] = good

    trav = root / "traversal.zip"
    with zipfile.ZipFile(trav, "w") as zf:
        zf.writestr("../../escape.txt", plan_text().replace("Пресс-служба", "Пресс-служба Б"))
        zf.writestr("/abs/root.txt", plan_text().replace("Пресс-служба", "Пресс-служба В"))
        zf.writestr("..\\..\\win.txt", plan_text().replace("Пресс-служба", "Пресс-служба Г"))
    for name in ("../../escape.txt", "/abs/root.txt", "..\\..\\win.txt"):
        exp[f"{trav}!{name}"] = good

    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("secret.txt", plan_text().replace("сайте", "портале"))
    put("encrypted.zip", _encrypted_flag(plain.getvalue()), Expect())
    del exp[str(root / "encrypted.zip")]
    exp[f"{root / 'encrypted.zip'}!secret.txt"] = Expect("read", "encrypted")

    nested = root / "nested.zip"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr(
            _Cp866Info("планы/план штаба.txt"),
            plan_text().replace("Аппарат палаты", "Аппарат палаты Д"),
        )
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr(_Cp866Info("архив.zip"), inner.getvalue())
        zf.writestr("копия.txt", plan_text().encode("koi8-r"))  # same bytes as a-plan-koi8r.txt
    exp[f"{nested}!архив.zip!планы/план штаба.txt"] = good
    return exp


if __name__ == "__main__":
    for source, expect in make_corpus(Path(sys.argv[1])).items():
        print(source, expect)

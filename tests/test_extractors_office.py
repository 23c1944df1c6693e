"""DOC/RTF/ODT through LibreOffice (slow: each conversion starts LibreOffice)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from extractors import ExtractionError, ExtractOptions, extract
from extractors.office import convert_with_libreoffice
from tests.conftest_extractors import docx_bytes, soffice_or_skip

pytestmark = pytest.mark.slow


def _cp1251(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"\\'{c.encode('cp1251')[0]:02x}" for c in text)


def _rtf_row(cells: list[str], header: bool = False) -> str:
    edges = "".join(f"\\clbrdrt\\brdrs\\clbrdrl\\brdrs\\clbrdrb\\brdrs\\clbrdrr\\brdrs\\cellx{x}"
                    for x in (800, 5000, 7500, 9600))  # fmt: skip
    body = "".join(f"\\pard\\intbl {_cp1251(c)}\\cell " for c in cells)
    hdr = "\\trhdr" if header else ""
    return f"\\trowd{hdr}{edges}{body}\\row\n"


RTF = (
    "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0\\froman\\fcharset204 Times New Roman;}}\n"
    f"\\pard {_cp1251('УТВЕРЖДАЮ')}\\par\n"
    + _rtf_row(["№", "Мероприятие", "Срок", "Исполнитель"], header=True)
    + _rtf_row(["1", "Опубликование списка", "до 1 марта", "ТИК"])
    + _rtf_row(["2", "Передача", "постоянно", "УИК"])
    + f"\\pard {_cp1251('Секретарь')}\\par\n}}"
)


def test_rtf_cp1251_table() -> None:
    soffice_or_skip()
    raw = extract("plan.rtf", RTF.encode("ascii"))
    assert (raw.format, raw.method) == ("rtf", "converted")
    assert raw.paragraphs[0].text == "УТВЕРЖДАЮ"
    (table,) = raw.tables
    assert table.texts()[1] == ["1", "Опубликование списка", "до 1 марта", "ТИК"]
    assert raw.paragraphs[-1].text == "Секретарь"


def _plan(d: Any) -> None:
    d.add_paragraph("Календарный план")
    t = d.add_table(rows=3, cols=3)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(0, 2)).text = "Раздел 1"
    for c, text in enumerate(["1", "Составление списка", "27.08.2019"]):
        t.cell(1, c).text = text
    t.cell(2, 0).text = "2"
    t.cell(2, 1).text = "Передача"
    t.cell(2, 2).text = "28.08.2019"
    d.add_paragraph("Секретарь")  # Word files never end with a table


@pytest.mark.parametrize(("target", "fmt"), [("doc", "doc"), ("odt", "odt")])
def test_doc_and_odt(target: str, fmt: str) -> None:
    soffice_or_skip()
    data = convert_with_libreoffice(docx_bytes(_plan), "docx", target, 120)
    raw = extract(f"plan.{target}", data)
    assert (raw.format, raw.method) == (fmt, "converted")
    (table,) = raw.tables
    assert table.texts() == [
        ["Раздел 1"],
        ["1", "Составление списка", "27.08.2019"],
        ["2", "Передача", "28.08.2019"],
    ]
    assert table.rows[0][0].colspan == 3


def test_rtf_named_doc_is_read_as_rtf() -> None:
    soffice_or_skip()
    raw = extract("plan.doc", RTF.encode("ascii"))
    assert raw.format == "rtf"


def test_timeout_kills_libreoffice() -> None:
    soffice_or_skip()
    with pytest.raises(ExtractionError, match=r"could not convert the file within 0\.01 s"):
        extract("plan.rtf", RTF.encode("ascii"), ExtractOptions(timeout=0.01))


def test_garbage_doc_is_an_error() -> None:
    soffice_or_skip()
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "WordDocument".encode("utf-16-le")
    with pytest.raises(ExtractionError):
        extract("broken.doc", data + b"\x07" * 2000)


def _resident_or_skip() -> Any:
    from extractors import office

    soffice_or_skip()
    if not office._OFFICE.available():
        pytest.skip("no Python with uno (python3-uno) on this machine")
    return office._OFFICE


def test_resident_libreoffice_is_reused_and_restarted_after_a_timeout() -> None:
    resident = _resident_or_skip()
    extract("a.rtf", RTF.encode("ascii"))
    first = resident._proc.pid
    pipes = (resident._root / "pipes").read_text().split()
    assert len(pipes) == 2 and all(Path(p).exists() for p in pipes)  # IPC and UNO pipes
    assert extract("b.rtf", RTF.encode("ascii")).tables[0].texts()[2][1] == "Передача"
    assert resident._proc.pid == first  # one LibreOffice for both files
    with pytest.raises(ExtractionError, match="within"):
        extract("c.rtf", RTF.encode("ascii"), ExtractOptions(timeout=0.01))
    assert resident._proc is None  # killed, profile gone
    assert not any(Path(p).exists() for p in pipes)  # and the pipes it left in /tmp
    raw = extract("d.rtf", RTF.encode("ascii"))
    assert raw.tables[0].texts()[1][1] == "Опубликование списка"
    assert resident._proc.pid != first


def test_one_off_conversion_when_resident_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    soffice_or_skip()
    monkeypatch.setenv("KALPLAN_LO_SERVER", "0")
    raw = extract("plan.rtf", RTF.encode("ascii"))
    assert raw.tables[0].texts()[1][3] == "ТИК"


def test_resident_libreoffice_dies_with_its_owner(tmp_path: Any) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    _resident_or_skip()
    (tmp_path / "plan.rtf").write_text(RTF, encoding="ascii")
    code = (
        "import sys, time; from extractors import extract; "
        f"extract('plan.rtf', open({str(tmp_path / 'plan.rtf')!r}, 'rb').read()); "
        "print('up', flush=True); time.sleep(120)"
    )
    root = Path(__file__).resolve().parents[1]
    owner = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE)
    assert owner.stdout is not None and owner.stdout.readline().strip() == b"up"
    marker = f"kalplan-office-{owner.pid}-"

    def office_processes() -> list[str]:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if proc.name.isdigit() and marker.encode() in cmdline:
                found.append(proc.name)
        return found

    assert office_processes()  # the helper and soffice.bin
    os.kill(owner.pid, signal.SIGKILL)
    owner.wait()
    deadline = time.monotonic() + 20
    while office_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert office_processes() == []
    from extractors import office

    (profile,) = Path(tempfile.gettempdir()).glob(marker + "*")
    pipes = (profile / "pipes").read_text().split()
    assert pipes and all(Path(p).exists() for p in pipes)  # a killed LibreOffice's pipes
    office._remove_orphaned_profiles()  # what the next resident start does
    assert not profile.exists() and not any(Path(p).exists() for p in pipes)

"""DOC, RTF and ODT (method ``converted``): LibreOffice headless to DOCX, then the DOCX
backend. The RawDocument keeps the input's format (``doc``/``rtf``/``odt``).

Each call uses a fresh LibreOffice profile (so parallel workers never share one) in which
macro execution is disabled; the process group is killed when ``options.timeout`` passes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extractors.base import Backend, ExtractionError
from extractors.docx import DocxBackend
from schemas import Format, RawDocument

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_TEXT = b"application/vnd.oasis.opendocument.text"

# Disable macros in the throw-away profile: security level "very high" and no execution.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
<prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def soffice_binary() -> str | None:
    """Path of the LibreOffice executable, if installed."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def convert_with_libreoffice(data: bytes, src_ext: str, target: str, timeout: float) -> bytes:
    """Convert ``data`` (a file with extension ``src_ext``) to ``target`` ("docx", "pdf",
    "rtf", ...) with LibreOffice headless; raises ExtractionError on failure or timeout."""
    binary = soffice_binary()
    if binary is None:
        raise ExtractionError(
            "LibreOffice is not installed, so this format cannot be read",
            detail="soffice not found on PATH",
        )
    with tempfile.TemporaryDirectory(prefix="kalplan-lo-") as tmp:
        root = Path(tmp)
        profile = root / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        src = root / f"input.{src_ext.lstrip('.')}"
        src.write_bytes(data)
        out_dir = root / "out"
        out_dir.mkdir()
        cmd = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(src),
        ]
        env = dict(os.environ, HOME=str(root), SAL_USE_VCLPLUGIN="svp")
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            cwd=tmp,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise ExtractionError(
                f"LibreOffice could not convert the file within {timeout:g} s",
                detail=" ".join(cmd),
            ) from exc
        finally:
            _kill_group(proc)  # stray helpers (oosplash/soffice.bin) never outlive the call
        produced = sorted(out_dir.glob(f"*.{target.split(':')[0]}"))
        if proc.returncode != 0 or not produced:
            raise ExtractionError(
                "LibreOffice could not convert the file (it may be damaged)",
                detail=f"exit {proc.returncode}; {stdout.decode(errors='replace')[-300:]} "
                f"{stderr.decode(errors='replace')[-500:]}",
            )
        return produced[0].read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def office_format(name: str, data: bytes) -> Format | None:
    """``doc``/``rtf``/``odt`` from the bytes, the extension only as a fallback."""
    head = data[:4096]
    if head.startswith(_OLE2):
        return "doc"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK") and _ODF_TEXT in head:
        return "odt"
    if b"<?xml" in head[:100]:
        if b"<office:document" in head:
            return "odt"
        if b"Word.Document" in head or b"w:wordDocument" in head:
            return "doc"
    ext = os.path.splitext(name.lower())[1]
    return {".doc": "doc", ".rtf": "rtf", ".odt": "odt"}.get(ext)  # type: ignore[return-value]


class OfficeBackend(Backend):
    """Word 97-2003, RTF and OpenDocument text through LibreOffice."""

    formats = ("doc", "rtf", "odt")
    extensions = (".doc", ".dot", ".rtf", ".odt", ".fodt")

    def is_valid(self) -> bool:
        return office_format(self.name, self.data) is not None

    def convert(self) -> RawDocument:
        fmt = office_format(self.name, self.data)
        if fmt is None:
            raise ExtractionError("not a DOC, RTF or ODT document", detail=self.name)
        head = self.data[:100]
        src_ext = (
            "fodt" if fmt == "odt" and b"<?xml" in head else ("xml" if b"<?xml" in head else fmt)
        )
        docx_bytes = convert_with_libreoffice(self.data, src_ext, "docx", self.options.timeout)
        raw = DocxBackend(self.name, docx_bytes, self.options).convert()
        raw.format = fmt
        raw.method = "converted"
        return raw

"""DOC, RTF and ODT (method ``converted``): LibreOffice headless to DOCX, then the DOCX
backend. The RawDocument keeps the input's format (``doc``/``rtf``/``odt``).

Starting LibreOffice takes a second, converting a plan a fraction of that, so each
process keeps one LibreOffice running (:mod:`extractors.lo_server`, driven over UNO by
the system Python that Debian's ``python3-uno`` belongs to) and sends it every file;
it is restarted after a failure, a timeout or ``MAX_USES`` files. Where UNO is missing
(or ``KALPLAN_LO_SERVER=0``), every file gets a one-off ``soffice --convert-to``.
Either way the profile is private to the process, macros never run, and the process
group is killed when ``options.timeout`` passes.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from extractors.base import Backend, ExtractionError
from extractors.docx import DocxBackend
from extractors.lifetime import die_with_parent, group_sockets, remove_sockets
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
    if target in FILTERS and _OFFICE.available():
        return _OFFICE.convert(data, src_ext, target, timeout)
    return _convert_once(data, src_ext, target, timeout)


def _profile(root: Path) -> Path:
    """A fresh LibreOffice profile under ``root`` with macros disabled."""
    profile = root / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
    return profile


def _office_command(binary: str, profile: Path) -> list[str]:
    """LibreOffice headless in its own profile, before the action (convert / accept)."""
    return [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
    ]


def _office_env(root: Path, env: dict[str, str]) -> dict[str, str]:
    """LibreOffice's home and temporary files inside ``root``: removing ``root`` leaves
    nothing behind (its ``lu*.tmp`` files would otherwise stay in /tmp after a kill)."""
    tmp = root / "tmp"
    tmp.mkdir(exist_ok=True)
    dirs = {"HOME": str(root), "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp)}
    return {**env, **dirs, "SAL_USE_VCLPLUGIN": "svp"}


def _convert_once(data: bytes, src_ext: str, target: str, timeout: float) -> bytes:
    """One ``soffice --convert-to`` run in a throw-away profile."""
    binary = soffice_binary()
    if binary is None:
        raise ExtractionError(
            "LibreOffice is not installed, so this format cannot be read",
            detail="soffice not found on PATH",
        )
    with tempfile.TemporaryDirectory(prefix="kalplan-lo-") as tmp:
        root = Path(tmp)
        profile = _profile(root)
        src = root / f"input.{src_ext.lstrip('.')}"
        src.write_bytes(data)
        out_dir = root / "out"
        out_dir.mkdir()
        cmd = [
            *_office_command(binary, profile),
            *("--convert-to", target, "--outdir", str(out_dir), str(src)),
        ]
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=_office_env(root, dict(os.environ)),
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


FILTERS = {
    "docx": "MS Word 2007 XML",
    "pdf": "writer_pdf_Export",
    "rtf": "Rich Text Format",
    "odt": "writer8",
    "doc": "MS Word 97",
}
MAX_USES = 200  # files per LibreOffice before a fresh one
SERVER_ENV = "KALPLAN_LO_SERVER"  # "0": no resident LibreOffice
PYTHON_ENV = "KALPLAN_LO_PYTHON"  # the Python with ``uno`` (default: /usr/bin/python3)
START_TIMEOUT = 60.0
_SERVER_SCRIPT = Path(__file__).with_name("lo_server.py")
_MARK = b"@kalplan "


class _ResidentOffice:
    """This process's LibreOffice, kept running between files (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._root: Path | None = None
        self._buffer = b""
        self._uses = 0
        self._python: str | bool | None = False  # False: not looked for yet

    def available(self) -> bool:
        """Whether a resident LibreOffice can be used here (UNO importable, not disabled)."""
        if os.environ.get(SERVER_ENV, "1") == "0" or soffice_binary() is None:
            return False
        if self._python is False:
            self._python = _uno_python()
        return self._python is not None

    def convert(self, data: bytes, src_ext: str, target: str, timeout: float) -> bytes:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None or self._uses >= MAX_USES:
                self._start(max(timeout, START_TIMEOUT))
            assert self._root is not None
            work = Path(tempfile.mkdtemp(prefix="job-", dir=self._root))
            try:
                src = work / f"input.{src_ext.lstrip('.')}"
                dst = work / f"output.{target}"
                src.write_bytes(data)
                request = {"src": str(src), "dst": str(dst), "filter": FILTERS[target]}
                reply = self._ask(request, timeout)
                self._uses += 1
                if not reply.get("ok") or not dst.is_file():
                    raise ExtractionError(
                        "LibreOffice could not convert the file (it may be damaged)",
                        detail=str(reply.get("error") or "no output"),
                    )
                return dst.read_bytes()
            finally:
                shutil.rmtree(work, ignore_errors=True)

    def _start(self, timeout: float) -> None:
        self.stop()
        binary = soffice_binary()
        assert binary is not None and isinstance(self._python, str)
        office = Path(os.path.realpath(binary)).with_name("soffice.bin")
        _remove_orphaned_profiles()
        self._root = Path(tempfile.mkdtemp(prefix=f"{_RESIDENT_PREFIX}{os.getpid()}-"))
        profile = _profile(self._root)
        self._proc = subprocess.Popen(
            [
                self._python,
                str(_SERVER_SCRIPT),
                *_office_command(str(office if office.is_file() else binary), profile),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,
            env=_office_env(self._root, _python_free_env()),
            cwd=self._root,
        )
        self._buffer, self._uses = b"", 0
        reply = self._read(timeout)
        if not reply.get("ok"):
            self.stop()
            raise ExtractionError(
                "LibreOffice could not be started", detail=str(reply.get("error"))
            )
        pipes = group_sockets(self._proc.pid, _PIPE_PREFIXES)
        (self._root / _PIPES_FILE).write_text("\n".join(pipes), encoding="utf-8")

    def _ask(self, request: dict[str, str], timeout: float) -> dict[str, object]:
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(request).encode() + b"\n")
            self._proc.stdin.flush()
        except OSError as exc:
            self.stop()
            raise ExtractionError("LibreOffice stopped unexpectedly", detail=repr(exc)) from exc
        return self._read(timeout)

    def _read(self, timeout: float) -> dict[str, object]:
        """The next reply line; on timeout or exit the LibreOffice is stopped."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            line, nl, rest = self._buffer.partition(b"\n")
            if nl:
                self._buffer = rest
                if line.startswith(_MARK):
                    reply: dict[str, object] = json.loads(line[len(_MARK) :])
                    return reply
                continue
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(0.0, left))[0] if left > 0 else []
            chunk = os.read(fd, 65536) if ready else b""
            if not chunk:
                self.stop()
                if left <= 0 or not ready:
                    raise ExtractionError(
                        f"LibreOffice could not convert the file within {timeout:g} s",
                        detail="resident LibreOffice",
                    )
                raise ExtractionError("LibreOffice stopped unexpectedly", detail="no reply")
            self._buffer += chunk

    def stop(self) -> None:
        """Stop LibreOffice (if running) and remove its profile."""
        if self._proc is not None:
            with contextlib.suppress(OSError):
                if self._proc.stdin:
                    self._proc.stdin.close()  # end of requests: the server closes LibreOffice
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=_QUIT_WAIT)
            _kill_group(self._proc)
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


_RESIDENT_PREFIX = "kalplan-office-"
_QUIT_WAIT = 6.0  # seconds for LibreOffice to quit by itself (it then removes its /tmp pipe)


def _remove_orphaned_profiles() -> None:
    """Profiles left by processes that were killed (their pid is in the name)."""
    for path in Path(tempfile.gettempdir()).glob(f"{_RESIDENT_PREFIX}*-*"):
        pid = path.name[len(_RESIDENT_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            with contextlib.suppress(OSError):
                remove_sockets((path / _PIPES_FILE).read_text().split())
            shutil.rmtree(path, ignore_errors=True)


def _python_free_env() -> dict[str, str]:
    """This environment without the venv's Python settings (for the system Python)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


def _uno_python() -> str | None:
    """A Python that can ``import uno``, or None."""
    candidates = [os.environ.get(PYTHON_ENV), "/usr/bin/python3", shutil.which("python3")]
    env = _python_free_env()
    for python in dict.fromkeys(c for c in candidates if c):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(
                [python, "-c", "import uno"], capture_output=True, timeout=30, env=env
            )
            if done.returncode == 0:
                return python
    return None


_OFFICE = _ResidentOffice()
atexit.register(_OFFICE.stop)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice's process group, and remove the pipes it can no longer remove."""
    pipes = group_sockets(proc.pid, _PIPE_PREFIXES)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    remove_sockets(pipes)


_PIPE_PREFIXES = ("/tmp/OSL_PIPE_", "/var/tmp/OSL_PIPE_")  # LibreOffice's fixed pipe places
_PIPES_FILE = "pipes"  # in a resident profile: its LibreOffice's pipes, for orphan clean-up


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

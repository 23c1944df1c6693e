"""A LibreOffice that stays up: converts files on request over stdin/stdout.

Run by the system Python (the one Debian's ``python3-uno`` belongs to), never imported
by kalplan: ``python3 lo_server.py SOFFICE_BIN [OPTION ...]`` (kalplan's headless command
line, profile included). It starts that with a UNO pipe added, then answers one JSON
request per line — ``{"src": path, "dst": path, "filter": "MS Word 2007 XML"}`` — with one line
``@kalplan {"ok": true}`` or ``@kalplan {"ok": false, "error": "..."}``. Macros never run
and links are never updated. Both processes die with their parent (``PR_SET_PDEATHSIG``).
Standard library and ``uno`` only.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

MARK = "@kalplan "
NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode


def _die_with_parent() -> None:  # extractors.lifetime, copied: this file runs standalone
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        return


def _props(**values: object) -> tuple[PropertyValue, ...]:
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def _reply(**fields: object) -> None:
    sys.stdout.write(MARK + json.dumps(fields) + "\n")
    sys.stdout.flush()


RESTART = 81  # soffice.bin's "start me again" (after creating a fresh profile)


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )


def _connect(pipe: str, command: list[str]) -> tuple[object, subprocess.Popen[bytes]]:
    """Start ``soffice.bin`` (again, when it asks to be restarted) and connect to it."""
    office = _start(command)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx
            )
            return desktop, office
        except NoConnectException:
            if office.poll() == RESTART:
                office = _start(command)
            elif office.poll() is not None or time.monotonic() > deadline:
                office.kill()
                raise
            time.sleep(0.05)


def main() -> int:
    _die_with_parent()
    pipe = f"kalplan-lo-{os.getpid()}"
    command = [*sys.argv[1:], f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    try:
        desktop, office = _connect(pipe, command)
    except Exception as exc:
        _reply(ok=False, error=f"LibreOffice did not start: {exc}")
        return 1
    _reply(ok=True, ready=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            doc = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
                uno.systemPathToFileUrl(request["src"]),
                "_blank",
                0,
                _props(
                    Hidden=True,
                    ReadOnly=True,
                    MacroExecutionMode=NEVER_EXECUTE,
                    UpdateDocMode=NO_UPDATE,
                ),
            )
            if doc is None:
                _reply(ok=False, error="LibreOffice could not open the file")
                continue
            try:
                doc.storeToURL(
                    uno.systemPathToFileUrl(request["dst"]),
                    _props(FilterName=request["filter"], Overwrite=True),
                )
            finally:
                doc.close(True)
            _reply(ok=True)
        except Exception as exc:
            _reply(ok=False, error=f"{type(exc).__name__}: {exc}")
    _shut_down(desktop, office)
    return 0


def _shut_down(desktop: object, office: subprocess.Popen[bytes]) -> None:
    """Ask LibreOffice to quit, so that it removes its pipe from /tmp; kill it if it will
    not."""
    try:
        desktop.terminate()  # type: ignore[attr-defined]
        office.wait(timeout=5)
    except Exception:  # a dead bridge, a hung office: nothing to be polite to
        office.kill()


if __name__ == "__main__":
    raise SystemExit(main())

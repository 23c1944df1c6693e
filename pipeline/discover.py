"""Inputs: files, directories (recursive), globs and ``.zip`` archives (members too).

Archive members are read in memory and never extracted to disk, so member names such as
``../../x`` cannot write anywhere. Names stored without the UTF-8 flag are decoded the way
Russian archivers wrote them (the Info-ZIP Unicode path field, else UTF-8, else cp866).
Archives inside archives are opened too, up to ``MAX_NESTING`` levels; a member whose
size or compression ratio is out of bounds is refused as a decompression bomb when read.
"""

from __future__ import annotations

import glob
import io
import os
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_EXTENSIONS = frozenset(
    {
        ".pdf",
        ".png",
        ".jpg",
        ".jpeg",
        ".tif",
        ".tiff",
        ".docx",
        ".doc",
        ".rtf",
        ".odt",
        ".html",
        ".htm",
        ".txt",
        ".text",
    }
)
ARCHIVE_EXTENSIONS = frozenset({".zip"})
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_NESTED_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed beyond which a member is a bomb
MAX_NESTING = 3  # archive in archive in archive
_UNICODE_PATH_EXTRA = 0x7075


class InputError(Exception):
    """An input could not be read at all (becomes a ``read`` failure)."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """One document to read: a path, or a member of an archive (``a.zip!inner/x.docx``).

    ``raw`` holds the member's stored names from the outer archive inwards (one name for
    a plain member, more for archives in archives); ``member`` is the decoded last name.
    """

    source: str
    path: str
    member: str | None = None
    size: int = 0
    raw: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.member or self.path

    def read(self) -> bytes:
        """The document's bytes; raises InputError with a readable reason."""
        try:
            if self.member is None:
                return Path(self.path).read_bytes()
            raw = self.raw or (_raw_name(_open_archive(self.path, ()), self.member),)
            zf = _open_archive(self.path, raw[:-1])
            return _read_member(zf, zf.getinfo(raw[-1]))
        except InputError:
            raise
        except FileNotFoundError as err:
            raise InputError(f"the file does not exist: {err.filename or self.path}") from err
        except IsADirectoryError as err:
            raise InputError("the path is a directory, not a file") from err
        except PermissionError as err:
            raise InputError("the file could not be read: permission denied") from err
        except (zipfile.BadZipFile, zlib.error, EOFError) as err:
            raise InputError(f"the archive is damaged: {err}") from err
        except (OSError, KeyError, RuntimeError, ValueError) as err:
            raise InputError(f"the file could not be read: {err}") from err


# --- archives ---------------------------------------------------------------------------

_CACHE: OrderedDict[tuple[object, ...], zipfile.ZipFile] = OrderedDict()
_CACHE_LOCK = threading.RLock()
_CACHE_SIZE = 4


def _open_archive(path: str, chain: tuple[str, ...]) -> zipfile.ZipFile:
    """The archive at ``path`` (or the nested one reached by ``chain``), kept open a while.

    Reading the members of a large archive one by one must not re-parse its directory
    each time, so a few archives stay open (per process).
    """
    stat = os.stat(path)
    key = (os.path.abspath(path), stat.st_mtime_ns, stat.st_size, chain)
    with _CACHE_LOCK:
        zf = _CACHE.get(key)
        if zf is not None:
            _CACHE.move_to_end(key)
            return zf
        if chain:
            outer = _open_archive(path, chain[:-1])
            zf = zipfile.ZipFile(io.BytesIO(_read_member(outer, outer.getinfo(chain[-1]))))
        else:
            zf = zipfile.ZipFile(path)
        _CACHE[key] = zf
        while len(_CACHE) > _CACHE_SIZE:
            _, old = _CACHE.popitem(last=False)
            old.close()
        return zf


def close_archives() -> None:
    """Close the archives kept open for reading."""
    with _CACHE_LOCK:
        while _CACHE:
            _, zf = _CACHE.popitem()
            zf.close()


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    _check_member(info)
    with _CACHE_LOCK, zf.open(info) as fh:
        data = fh.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise InputError("the archive member is too large to read safely")
    return data


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member name decoded right: zip names without the UTF-8 flag are usually cp866."""
    if info.flag_bits & 0x800:
        return info.filename
    unicode_path = _unicode_path_extra(info)
    if unicode_path:
        return unicode_path
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    if raw.isascii():
        return info.filename
    try:
        return raw.decode("utf-8")  # written as UTF-8 without setting the flag
    except UnicodeDecodeError:
        return raw.decode("cp866")


def _unicode_path_extra(info: zipfile.ZipInfo) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), when present."""
    extra = info.extra
    i = 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, i)
        body = extra[i + 4 : i + 4 + size]
        if kind == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        i += 4 + size
    return None


def _raw_name(zf: zipfile.ZipFile, member: str) -> str:
    for info in zf.infolist():
        if _member_name(info) == member:
            return info.filename
    raise KeyError(member)


def _check_member(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise InputError("the archive member is encrypted (password-protected)")
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError("the archive member is too large to read safely")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise InputError("the archive member looks like a decompression bomb")


def _skipped_member(name: str) -> bool:
    """Directories, macOS resource forks and hidden files inside archives."""
    parts = name.replace("\\", "/").split("/")
    return name.endswith("/") or parts[0] == "__MACOSX" or parts[-1].startswith(".")


def _archive_members(
    path: str, source: str, chain: tuple[str, ...] = (), level: int = 0
) -> Iterator[InputFile]:
    try:
        zf = _open_archive(path, chain)
        infos = zf.infolist()
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, InputError, ValueError):
        if not chain:  # the whole file then goes to the extractors, which say it is damaged
            yield InputFile(source=source, path=path, member=None, size=0)
        else:  # a damaged inner archive: its read fails with the reason
            yield InputFile(source=source, path=path, member=chain[-1], raw=chain)
        return
    for info in infos:
        name = _member_name(info)
        if info.is_dir() or _skipped_member(name):
            continue
        ext = os.path.splitext(name)[1].lower()
        inner = (*chain, info.filename)
        if ext in ARCHIVE_EXTENSIONS and level + 1 < MAX_NESTING:
            if info.file_size <= MAX_NESTED_ARCHIVE_BYTES:
                yield from _archive_members(path, f"{source}!{name}", inner, level + 1)
            else:
                yield InputFile(f"{source}!{name}", path, name, info.file_size, inner)
        elif ext in DOCUMENT_EXTENSIONS:
            yield InputFile(f"{source}!{name}", path, name, info.file_size, inner)


# --- files, directories, globs -----------------------------------------------------------


def discover(paths: list[str]) -> Iterator[InputFile]:
    """Every supported file under the given paths, in a stable order.

    A file named explicitly is always yielded (an unsupported one then fails with a
    reason); inside directories only files with a document or archive extension are.
    """
    for given in paths:
        matches = sorted(glob.glob(given, recursive=True)) if glob.has_magic(given) else [given]
        if not matches:
            yield InputFile(source=given, path=given)
        for match in matches:
            if os.path.isdir(match):
                yield from _walk(match)
            else:
                yield from _one(match, explicit=True)


def _walk(root: str) -> Iterator[InputFile]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if not fn.startswith("."):
                yield from _one(os.path.join(dirpath, fn), explicit=False)


def _one(path: str, explicit: bool) -> Iterator[InputFile]:
    ext = os.path.splitext(path)[1].lower()
    if ext in ARCHIVE_EXTENSIONS and os.path.isfile(path):
        yield from _archive_members(path, path)
    elif ext in DOCUMENT_EXTENSIONS or explicit:
        size = os.path.getsize(path) if os.path.exists(path) else 0
        yield InputFile(source=path, path=path, size=size)

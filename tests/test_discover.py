"""Input discovery: folders, globs, zip members with Cyrillic names, bombs."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest

from pipeline.discover import InputError, discover


def test_folder_is_walked_recursively_and_skips_other_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "plan.docx").write_bytes(b"x")
    (tmp_path / "b.txt").write_text("y")
    (tmp_path / "notes.py").write_text("z")
    (tmp_path / ".hidden.txt").write_text("h")
    names = {f.source for f in discover([str(tmp_path)])}
    assert names == {str(tmp_path / "a" / "plan.docx"), str(tmp_path / "b.txt")}


def test_explicit_file_is_always_taken(tmp_path):
    odd = tmp_path / "plan.weird"
    odd.write_bytes(b"x")
    assert [f.source for f in discover([str(odd)])] == [str(odd)]


class _Cp866Info(zipfile.ZipInfo):
    """A member name stored as legacy archivers do: cp866 bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp866"), self.flag_bits & ~0x800


def test_zip_members_with_cp866_and_utf8_names(tmp_path):
    arc = tmp_path / "archive.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        info = zipfile.ZipInfo("планы/план.txt")  # written with the UTF-8 flag
        zf.writestr(info, "1\tдействие\tдо 01 марта\tТИК\n")
        zf.writestr(_Cp866Info("отчёт.txt"), "текст")
        zf.writestr("../../evil.txt", "path traversal is harmless: nothing is extracted")
    found = {f.member: f for f in discover([str(arc)])}
    assert set(found) == {"планы/план.txt", "отчёт.txt", "../../evil.txt"}
    assert found["отчёт.txt"].read().decode() == "текст"
    assert found["планы/план.txt"].source == f"{arc}!планы/план.txt"


def test_zip_bomb_member_is_refused(tmp_path):
    arc = tmp_path / "bomb.zip"
    with zipfile.ZipFile(arc, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"0" * 50_000_000)
    (member,) = list(discover([str(arc)]))
    with pytest.raises(InputError, match="bomb"):
        member.read()


def test_utf8_names_without_the_flag_and_the_unicode_path_field(tmp_path):
    arc = tmp_path / "names.zip"

    class _RawUtf8(zipfile.ZipInfo):  # UTF-8 bytes, flag not set (some archivers do this)
        def _encodeFilenameFlags(self):
            return self.filename.encode("utf-8"), self.flag_bits & ~0x800

    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr(_RawUtf8("календарь.txt"), "a")
        name = "график.txt"
        info = _Cp866Info("x.txt")  # a meaningless stored name, the real one in 0x7075
        body = b"\x01" + struct.pack("<I", zlib.crc32(b"x.txt")) + name.encode("utf-8")
        info.extra = struct.pack("<HH", 0x7075, len(body)) + body
        zf.writestr(info, "b")
    found = {f.member: f.read() for f in discover([str(arc)])}
    assert found == {"календарь.txt": b"a", "график.txt": b"b"}


def test_nested_archives_macos_forks_and_encrypted_members(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("план.txt", "вложенный")
    arc = tmp_path / "outer.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
        zf.writestr("__MACOSX/._план.txt", "resource fork")
        zf.writestr("папка/.hidden.txt", "hidden")
        zf.writestr("open.txt", "open")
    found = {f.source: f for f in discover([str(arc)])}
    assert set(found) == {f"{arc}!inner.zip!план.txt", f"{arc}!open.txt"}
    assert found[f"{arc}!inner.zip!план.txt"].read().decode() == "вложенный"

    locked = tmp_path / "locked.zip"
    data = bytearray(arc.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i != -1:
            struct.pack_into("<H", data, i + off, struct.unpack_from("<H", data, i + off)[0] | 1)
            i = data.find(sig, i + 4)
    locked.write_bytes(bytes(data))
    members = list(discover([str(locked)]))
    assert members
    for member in members:
        with pytest.raises(InputError, match="encrypted"):
            member.read()


def test_reading_many_members_does_not_reopen_the_archive_each_time(tmp_path):
    arc = tmp_path / "many.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        for i in range(3000):
            zf.writestr(f"d/{i:05d}.txt", str(i))
    t = time.perf_counter()
    texts = [f.read() for f in discover([str(arc)])]
    assert len(texts) == 3000 and texts[-1] == b"2999"
    assert time.perf_counter() - t < 10


def test_missing_and_damaged_inputs_fail_with_a_reason(tmp_path):
    (missing,) = list(discover([str(tmp_path / "nope.docx")]))
    with pytest.raises(InputError, match="does not exist"):
        missing.read()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    (whole,) = list(discover([str(broken)]))
    assert whole.member is None and whole.read().startswith(b"PK")  # the extractor says why

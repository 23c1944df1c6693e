"""Input discovery: folders, globs, zip members with Cyrillic names, bombs."""

from __future__ import annotations

import zipfile

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

"""Output files are replaced whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from newsdedup._core.atomic_file import atomic_output


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_failed_write_keeps_the_previous_file_and_leaves_nothing(tmp_path: Path) -> None:
    """An error while writing leaves the old content, and no temporary file behind."""
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n", "utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write("half a result")
        raise RuntimeError("disk full")
    assert target.read_text("utf-8") == "previous\n"
    assert _leftovers(tmp_path) == []


def test_failed_first_write_creates_no_file(tmp_path: Path) -> None:
    """A run failing before its output is complete leaves no empty or partial file."""
    target = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as handle:
        handle.write("{}\n")
        raise KeyboardInterrupt
    assert not target.exists() and _leftovers(tmp_path) == []


def test_new_file_gets_umask_permissions_and_old_keeps_its_own(tmp_path: Path) -> None:
    """A new output is 0o666 less the umask (not a temp file's 0o600); a replaced one keeps
    its mode."""
    old_mask = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "new.jsonl") as handle:
            handle.write("x\n")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o644
    kept = tmp_path / "kept.jsonl"
    kept.write_text("old\n", "utf-8")
    kept.chmod(0o640)
    with atomic_output(kept) as handle:
        handle.write("new\n")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text("utf-8") == "new\n"


def test_a_link_keeps_pointing_at_its_replaced_target(tmp_path: Path) -> None:
    """Writing to a symbolic link replaces the file it points to; the link stays a link."""
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", "utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    with atomic_output(link) as handle:
        handle.write("new\n")
    assert link.is_symlink() and real.read_text("utf-8") == "new\n"


def test_a_device_is_written_directly() -> None:
    """/dev/null cannot be replaced: it is written to as is."""
    with atomic_output(os.devnull) as handle:
        handle.write("discarded\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_missing_folder_is_reported_with_the_asked_path(tmp_path: Path) -> None:
    """The error names the output the caller asked for, not the temporary file."""
    target = tmp_path / "missing" / "out.jsonl"
    with pytest.raises(FileNotFoundError) as info, atomic_output(target):
        pass
    assert info.value.filename == str(target)

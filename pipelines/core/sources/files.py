"""Which entries of the raw folder are reports, which are skipped and why, and each report's id (its file name
without the suffix); and the one way a report's bytes are read.

An entry is opened only when it is a regular file of a report format: a symbolic link is never followed
(a link to /etc/passwd is never read), a FIFO, socket or device never opened (a FIFO would block the read).
A name that is not UTF-8 and a second file with a report id already taken are skipped too, each with what to
do, so that one such file holds back no other report. Skipped entries are named in the run's plan line; those
meant as reports (`Skipped.warns`) also in the `every_file_read` check.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.core.sources.formats import format_of
from pipelines.core.sources.grid import SourceFileError
from pipelines.core.sources.limits import check_file_size, max_file_bytes


@dataclass(frozen=True)
class Skipped:
    name: str  # as a person reads it (a name that is not UTF-8 shown as GB18030)
    reason: str
    warns: bool  # an entry that looks meant as a report but is not read: the every_file_read check names it


@dataclass(frozen=True)
class RawFolder:
    reports: list[Path]  # in name order, one per report id
    skipped: list[Skipped]


HIDDEN = "hidden (the name starts with a dot)"  # .gitkeep, .~lock.report.xlsx#, an editor's swap file
NOT_A_REPORT = "not a report format"  # README, notes.md: FORMATS knows no such suffix
NAME_NOT_UTF8 = (
    "the file name is not UTF-8 (shown here as GB18030): rename it, e.g. `convmv -f gbk -t utf-8 --notest FILE`"
)
SAME_REPORT_ID = "same report id as {first} (read instead): rename one of them"  # seed.txt beside seed.xlsx
# Entries that are not regular files, by their own mode (lstat: never followed): never opened.
NOT_REGULAR: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISLNK, "a symbolic link, never followed: copy the file itself into the folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe), not a regular file: never opened"),
    (stat.S_ISSOCK, "a socket, not a regular file: never opened"),
    (stat.S_ISCHR, "a character device, not a regular file: never opened"),
    (stat.S_ISBLK, "a block device, not a regular file: never opened"),
)


def report_id_for(path: Path) -> str:
    return path.stem


def scan_raw_folder(raw_dir: Path) -> RawFolder:
    """The folder's report files and the entries skipped with their reason. Subfolders are not looked in."""
    if not raw_dir.is_dir():
        raise SourceFileError(raw_dir, "raw folder does not exist")
    reports: list[Path] = []
    skipped: list[Skipped] = []
    first_of: dict[str, Path] = {}
    for path in sorted(raw_dir.iterdir()):
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:  # removed while the folder was listed
            continue
        if stat.S_ISDIR(mode):
            continue
        reason, warns = _skip_reason(path, mode, first_of)
        if reason is None:
            first_of[report_id_for(path)] = path
            reports.append(path)
        else:
            skipped.append(Skipped(_shown_name(path), reason, warns))
    return RawFolder(reports, sorted(skipped, key=lambda s: s.name))


def _skip_reason(path: Path, mode: int, first_of: dict[str, Path]) -> tuple[str | None, bool]:
    """(why the entry is not read, whether that warns), or (None, False) for a report file."""
    if path.name.startswith("."):
        return HIDDEN, False
    if format_of(path) is None:
        return NOT_A_REPORT, False
    for is_kind, reason in NOT_REGULAR:
        if is_kind(mode):
            return reason, True
    if not _utf8_name(path):
        return NAME_NOT_UTF8, True
    if (first := first_of.get(report_id_for(path))) is not None:
        return SAME_REPORT_ID.format(first=first.name), True
    return None, False


def report_files(raw_dir: Path) -> list[Path]:
    """The report files in the raw folder, in name order (skipped entries left out: `skipped_files`)."""
    return scan_raw_folder(raw_dir).reports


def skipped_files(raw_dir: Path) -> list[Skipped]:
    """The entries of the raw folder that are not read, with the reason (named in the run's plan line)."""
    return scan_raw_folder(raw_dir).skipped if raw_dir.is_dir() else []


def read_report_bytes(path: Path) -> bytes:
    """The file's bytes, opened without following a symbolic link and without blocking on a FIFO, and read only
    when it is a regular file (the folder's listing said so, and this holds if the entry was swapped since) within
    the file-size cap (refused unread over it)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise SourceFileError(path, NOT_REGULAR[0][1]) from None
        raise SourceFileError(path, f"cannot be opened: {err.strerror or err}") from None
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise SourceFileError(path, next((r for is_kind, r in NOT_REGULAR if is_kind(mode)), "not a regular file"))
        check_file_size(path, os.fstat(f.fileno()).st_size)
        data = f.read(max_file_bytes() + 1)  # the file may have grown since
    check_file_size(path, len(data))
    return data


def _utf8_name(path: Path) -> bool:
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the name, held as surrogates
        return False
    return True


def _shown_name(path: Path) -> str:
    """The file's name as a person can read it: a name that is not UTF-8 read as GB18030, the encoding such
    names come in from Windows."""
    return path.name if _utf8_name(path) else os.fsencode(path.name).decode("gb18030", errors="replace")

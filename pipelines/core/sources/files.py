"""Which files of the raw folder are reports, and each report's id (its file name without the suffix)."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.core.sources.formats import format_of
from pipelines.core.sources.grid import SourceFileError


def report_id_for(path: Path) -> str:
    return path.stem


def is_report_file(path: Path) -> bool:
    """A file the raw folder holds as a report: a format of FORMATS, read or said not to be (.doc, .pdf: each
    gets its reason in the quarantine). Hidden files and other suffixes (a README, .gitkeep) are not."""
    return path.is_file() and not path.name.startswith(".") and format_of(path) is not None


def skipped_files(raw_dir: Path) -> list[str]:
    """Files in the raw folder that are not reports (named in the run's summary, never fatal)."""
    if not raw_dir.is_dir():
        return []
    return sorted(_shown_name(p) for p in raw_dir.iterdir() if p.is_file() and not is_report_file(p))


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


def report_files(raw_dir: Path) -> list[Path]:
    """The report files in the raw folder, in name order (hidden files and other suffixes skipped)."""
    if not raw_dir.is_dir():
        raise SourceFileError(raw_dir, "raw folder does not exist")
    files = sorted(p for p in raw_dir.iterdir() if is_report_file(p))
    seen: dict[str, Path] = {}
    for path in files:
        if not _utf8_name(path):
            raise SourceFileError(
                raw_dir / _shown_name(path),
                "the file name is not UTF-8 (shown here as GB18030): "
                "rename the file (e.g. `convmv -f gbk -t utf-8 --notest`) and run again",
            )
        if report_id_for(path) in seen:
            raise SourceFileError(path, f"same report id as {seen[report_id_for(path)].name}: rename one of them")
        seen[report_id_for(path)] = path
    return files

"""Caps on what one raw file may make the readers build, checked before they build it: a file that would
take the process down (a 2 KB workbook declaring a cell at XFD1048576, a zip bomb) is rejected with the cap
named instead. One constant per cap, with what a real report needs beside it; the file-size cap is a setting
(`PIPELINE_MAX_FILE_MB`)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pipelines.core import settings
from pipelines.core.sources.grid import SourceFileError

MB = 1024 * 1024
# The members of an .xlsx/.docx unzipped, all together (a 1 MB workbook of 5,000 rows unzips to ~15 MB).
MAX_UNZIPPED_BYTES = 500 * MB
# A Word document's own XML (word/document.xml; a 40-page table is ~5 MB).
MAX_WORD_XML_BYTES = 100 * MB
# Cells of one sheet from A1 to its last filled cell, as the reader builds them (a work plan: ~5,000 rows ×
# 20 columns = 100,000); the same cap for one Word table's cells, spans counted.
MAX_SHEET_CELLS = 5_000_000
MAX_TABLE_CELLS = 5_000_000


def max_file_bytes() -> int:
    return int(settings.max_file_mb() * MB)


def check_file_size(path: Path, size: int) -> None:
    if size > (cap := max_file_bytes()):
        raise SourceFileError(
            path, f"{size / MB:.1f} MB, over the cap of {cap / MB:g} MB for one file (PIPELINE_MAX_FILE_MB)"
        )


def open_zip(path: Path, data: bytes, what: str) -> zipfile.ZipFile:
    """The .xlsx/.docx as a zip, refused when its members would unzip past MAX_UNZIPPED_BYTES (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as err:
        raise SourceFileError(path, f"not a readable {what} (not a valid zip: {err})") from None
    unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SourceFileError(
            path,
            f"its parts unzip to {unzipped / MB:,.0f} MB, over the cap of {MAX_UNZIPPED_BYTES / MB:g} MB (a zip bomb?)",
        )
    return archive


def count_words(cells: int) -> str:
    """17179869184 -> "17 billion": a count a person reads at a glance."""
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if cells >= size:
            return f"{cells / size:.3g} {word}"
    return f"{cells:,}"

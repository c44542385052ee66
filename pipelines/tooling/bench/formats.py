"""Reading cost per source format: the seed read from each format, and 1,000 reports ingested (read and
normalised, as the ingest asset does) in the fastest and the slowest format.

    python -m pipelines.tooling.bench.formats [--reports 1000]

The fixtures are written from the seed's text by pipelines/tooling/fixtures.py, one per format the
registry (pipelines/core/sources/formats.py) reads.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl

from pipelines.core.layout.normalise import normalise_tasks
from pipelines.core.layout.tasks import read_or_quarantine
from pipelines.tooling.bench.corpus import SEED_FILE, generate
from pipelines.tooling.fixtures import table_of, write_all, write_as

REPEATS = 5


def _best_read_ms(path: Path, repeats: int = REPEATS) -> float:
    read_or_quarantine(path, normalised=False)  # imports and caches warm
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        read_or_quarantine(path, normalised=False)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def ingest_seconds(files: list[Path]) -> float:
    """Read every file and normalise the tasks in one polars pass, as `ingest_reports` does."""
    started = time.perf_counter()
    reports = [read_or_quarantine(f, normalised=False) for f in files]
    normalise_tasks(pl.concat([r.tasks for r in reports]))
    return time.perf_counter() - started


def measure(tmp: Path, reports: int) -> dict:
    seed_dir = tmp / "seed"
    seed_dir.mkdir()
    files = write_all(seed_dir, "seed", table_of(SEED_FILE), "seed")
    per_format = {"txt": _best_read_ms(SEED_FILE)} | {name: _best_read_ms(f) for name, f in files.items()}
    fastest, slowest = min(per_format, key=per_format.get), max(per_format, key=per_format.get)
    corpus = tmp / "corpus"
    generate(corpus, reports)
    texts = sorted(corpus.glob("*.txt"))
    at_scale = {}
    for name in dict.fromkeys((fastest, slowest)):
        if name == "txt":
            at_scale[name] = ingest_seconds(texts)
            continue
        out = tmp / name
        out.mkdir()
        converted = [write_as(name, out, text.stem, table_of(text), text.stem) for text in texts]
        at_scale[name] = ingest_seconds(converted)
    return {
        "seed_read_ms": {k: round(v, 1) for k, v in per_format.items()},
        "reports": reports,
        "ingest_s": {k: round(v, 2) for k, v in at_scale.items()},
    }


def markdown(result: dict) -> str:
    lines = ["| format | seed read ms (best of 5) |", "|---|---|"]
    lines += [f"| {name} | {ms} |" for name, ms in sorted(result["seed_read_ms"].items(), key=lambda kv: kv[1])]
    lines += ["", f"| format | ingest of {result['reports']:,} reports, s |", "|---|---|"]
    lines += [f"| {name} | {s} |" for name, s in result["ingest_s"].items()]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        print(markdown(measure(Path(tmp), args.reports)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

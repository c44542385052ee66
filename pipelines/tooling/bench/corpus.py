"""A deterministic synthetic corpus: N reports made from the seed's tasks.

Each report takes the seed's tasks in a shuffled order (a few dropped), renumbered; numbers are
perturbed (years, dates and numbers inside names are left alone), some units and district names
vary, some rows run over two lines, and a few rows are defective (a missing cell, an id that is not
a number, a repeated id) so that the quarantine has work too. Same seed, same bytes.

    python -m pipelines.tooling.bench.corpus OUT_DIR N [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from pipelines.core.layout.tasks import read_report
from pipelines.core.settings import REPO_ROOT

SEED_FILE = REPO_ROOT / "raw" / "shaoxing-2020-work-progress.txt"
HEADER = "序号 | 内容与要求 | 完成情况 | 责任单位 |"
DISTRICTS = ("越城区", "柯桥区", "上虞区", "诸暨市", "嵊州市", "新昌县")
OTHER_DISTRICTS = ("鹿城区", "龙湾区", "瓯海区", "瑞安市", "乐清市", "永嘉县", "平阳县", "苍南县")
UNIT_SWAPS = (("家", "个"), ("公里", "千米"))
# A number not to touch: a year, part of a date or a name.
_NUMBER = re.compile(r"(?<![\dA-Za-z第.])(\d+(?:\.\d+)?)(?![\d.]|年|月|日|号|届|期|国道|省道|G|版|\+)")

MULTILINE_SHARE = 0.02
DEFECT_SHARE = 0.005
DROP_SHARE = 0.03


def _perturb_numbers(text: str, rng: random.Random) -> str:
    def perturb(match: re.Match) -> str:
        raw = match.group(1)
        if len(raw) == 4 and raw.startswith(("19", "20")):
            return raw
        value = float(raw) * rng.uniform(0.8, 1.25)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        return f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))

    return _NUMBER.sub(perturb, text)


def _vary(text: str, rng: random.Random, districts: dict[str, str]) -> str:
    for old, new in districts.items():
        text = text.replace(old, new)
    for a, b in UNIT_SWAPS:
        if rng.random() < 0.1:
            text = re.sub(rf"(?<=\d){a}", b, text)
    return text


def report_text(seed_tasks: list[dict], rng: random.Random) -> str:
    districts = dict(zip(DISTRICTS, rng.sample(DISTRICTS + OTHER_DISTRICTS, len(DISTRICTS)), strict=False))
    tasks = [t for t in seed_tasks if rng.random() > DROP_SHARE]
    rng.shuffle(tasks)
    lines = [HEADER]
    for task_id, task in enumerate(tasks, start=1):
        requirement = _vary(_perturb_numbers(task["requirement"], rng), rng, districts)
        completion = _vary(_perturb_numbers(task["completion"], rng), rng, districts)
        units = _vary(task["units_raw"], rng, districts)
        cells = [str(task_id), requirement, completion, units]
        roll = rng.random()
        if roll < DEFECT_SHARE / 3:
            cells.pop(2)  # a missing cell
        elif roll < 2 * DEFECT_SHARE / 3:
            cells[0] = f"{task_id}a"  # an id that is not a number
        elif roll < DEFECT_SHARE and task_id > 1:
            cells[0] = str(task_id - 1)  # a repeated id, other content
        row = " | ".join(cells) + " |"
        if rng.random() < MULTILINE_SHARE and "," in completion:
            row = row.replace(",", ",\n", 1)  # a cell running over two lines
        lines.append(row)
    return "\n".join(lines) + "\n"


def generate(out_dir: Path, n_reports: int, seed: int = 7) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_tasks = read_report(SEED_FILE).tasks.to_dicts()
    rng = random.Random(seed)
    paths = []
    for i in range(n_reports):
        path = out_dir / f"synthetic-{i:05d}.txt"
        encoding = "gb18030" if rng.random() < 0.05 else "utf-8"
        path.write_bytes(report_text(seed_tasks, rng).encode(encoding))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("n_reports", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out_dir, args.n_reports, args.seed)
    print(f"{len(paths)} reports in {args.out_dir}")


if __name__ == "__main__":
    main()

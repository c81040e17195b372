#!/usr/bin/env python3
"""Writes the figures of the last `cargo bench --bench stages` run (criterion's
estimates under target/criterion/) into BENCHMARKS.md, between `<!-- bench:micro -->`
and `<!-- /bench:micro -->`, with the date and the machine.

Usage: criterion_table.py CRITERION_DIR BENCHMARKS_MD
"""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import write_block  # noqa: E402


def main():
    root, target = Path(sys.argv[1]), Path(sys.argv[2])
    rows = []
    for bench in sorted(root.glob("*/*/new/benchmark.json")):
        meta = json.loads(bench.read_text())
        mean = json.loads((bench.parent / "estimates.json").read_text())["mean"]["point_estimate"]  # ns
        throughput = (meta.get("throughput") or {}).get("Bytes")
        speed = f"{throughput / mean * 1e9 / 1e6:.1f}" if throughput else ""
        rows.append(f"| {meta['group_id']} | {meta['function_id']} | {mean / 1e6:.2f} | {speed} |")
    if not rows:
        sys.exit(f"no criterion results under {root}: run cargo bench first")
    block = "\n".join(
        [
            f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores, one thread, "
            "`make bench-micro` (`cargo bench -p newsprep-bench --bench stages`): each iteration runs the "
            "stage's hot loop over all 186 pages of `bench/fixture/pages/` (2.6 MB); mean of criterion's samples.",
            "",
            "| stage | loop | ms per iteration | MB/s |",
            "| --- | --- | --- | --- |",
            *rows,
        ]
    )
    write_block(target, "micro", block)
    print("\n".join(rows))


if __name__ == "__main__":
    main()

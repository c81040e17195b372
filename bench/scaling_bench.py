"""How a run scales with threads: the pipeline on one corpus at each thread count,
`--runs` times each (interleaved, since these machines drift), the median wall time
and the ratio to one thread, and per pass the serial share the manifest reports
(wall time against processor time, Amdahl's law solved for the serial part).

    python bench/scaling_bench.py target/release/newsprep target/bench/pages target/bench/scaling
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def run(binary, corpus, out, threads, config=None):
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    extra = ["--config", config] if config else []
    done = subprocess.run(
        [binary, "run", "--quiet", "--threads", str(threads), *extra, "--input", corpus, "--output", out],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"newsprep failed with {done.returncode}: {done.stderr[-2000:]}")
    return wall, json.loads((Path(out) / "manifest.json").read_text())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--config", help="a pipeline.toml for every run (default: built-in settings)")
    args = parser.parse_args()
    counts = [int(t) for t in args.threads.split(",")]
    walls = {t: [] for t in counts}
    manifests = {t: [] for t in counts}
    for _ in range(args.runs):
        for t in counts:
            wall, manifest = run(args.binary, args.corpus, Path(args.out) / f"t{t}", t, args.config)
            walls[t].append(wall)
            manifests[t].append(manifest)
    base = statistics.median(walls[counts[0]])
    print(f"corpus {args.corpus}, {args.runs} runs per thread count, median wall time")
    print("| threads | wall s (median) | min–max | speedup over 1 | run's serial share |")
    print("|---|---|---|---|---|")
    for t in counts:
        median = statistics.median(walls[t])
        shares = []
        for m in manifests[t]:
            cpu = sum(p["cpu_ms"] for p in m["passes"]) / 1000
            wall = sum(p["wall_ms"] for p in m["passes"]) / 1000
            if t > 1 and cpu > 0:
                shares.append(max(0.0, (t * wall - cpu) / (t - 1)) / cpu)
        share = f"{statistics.median(shares):.1%}" if shares else "–"
        print(f"| {t} | {median:.2f} | {min(walls[t]):.2f}–{max(walls[t]):.2f} | {base / median:.2f} | {share} |")
    top = counts[-1]
    if top > 1:
        print()
        print(f"Per pass at {top} threads (median over runs): wall ms, cpu ms, serial share")
        names = [p["name"] for p in manifests[top][0]["passes"]]
        for i, name in enumerate(names):
            rows = [m["passes"][i] for m in manifests[top]]
            wall = statistics.median(r["wall_ms"] for r in rows)
            cpu = statistics.median(r["cpu_ms"] for r in rows)
            share = statistics.median(r["serial_share"] or 0 for r in rows)
            print(f"- {name}: {wall:.0f} ms wall, {cpu:.0f} ms cpu, serial share {share:.1%}")


if __name__ == "__main__":
    main()

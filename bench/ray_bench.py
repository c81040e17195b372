#!/usr/bin/env python3
"""newsprep on Ray beside `newsprep run` on the same corpus, in one run: wall time with
start-up (each a fresh process), the peak memory of each Ray worker, and what each
shuffle of the corpus steps moved per document. Prints the figures BENCHMARKS.md records.

Usage: ray_bench.py NEWSPREP_BINARY CORPUS_DIR WORK_DIR [--cpus 2,1]
                    [--write BENCHMARKS.md --label NAME --command "make ..."]

The Ray runs go through `python -m newsprep.ray` in a child whose driver also saves
Ray Data's execution statistics: the shuffles' bytes are read from them. Memory is
sampled from /proc every 0.2 s over the child's process tree (the driver, Ray's own
daemons and the workers, which Ray names `ray::...`).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import write_block  # noqa: E402
from release_module import require_release  # noqa: E402

# The driver of a Ray run: the module's own entry point, and the statistics saved.
DRIVER = (
    "import json, sys\n"
    "import newsprep.ray\n"
    "from newsprep.ray import pipeline\n"
    "manifest = newsprep.ray.run(sys.argv[1], sys.argv[2], num_cpus=int(sys.argv[3]))\n"
    "json.dump({'manifest': manifest, 'stats': pipeline.last_stats()}, open(sys.argv[4], 'w'))\n"
)


def children(pid):
    """Every descendant of pid, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                continue
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_and_name(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            name = f.read().split(b"\0")[0].decode(errors="replace")
        return rss / 1024, name
    except OSError:
        return 0.0, ""


def watched(command, env=None):
    """Wall seconds, exit code, and the peak RSS (MiB) of each process of the tree by
    pid with its name, and the peak of the whole tree's sum."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peaks, total, done = {}, [0.0], threading.Event()

    def sample():
        while not done.is_set():
            now = 0.0
            for pid in [child.pid, *children(child.pid)]:
                rss, name = rss_and_name(pid)
                now += rss
                if rss > peaks.get(pid, (0.0, ""))[0]:
                    peaks[pid] = (rss, name)
            total[0] = max(total[0], now)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if child.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
    return seconds, child.returncode, peaks, total[0]


def shuffled_bytes(stats):
    """Bytes each shuffle's map side wrote, by operator, from Ray Data's statistics
    (each step's text repeats the operators of the steps before it: counted once)."""
    moved, seen = {}, set()
    for step, text in stats.items():
        for block in re.split(r"\n(?=Operator \d+ )", text):
            header = block.split("\n", 1)[0]
            name = re.match(r"Operator \d+ (\w+)", header)
            total = re.search(r"Output size bytes per block: .*?(\d+) total", block)
            if not name or not total or "Shuffle" not in name.group(1) and "Aggregate" not in name.group(1):
                continue
            if not name.group(1).endswith(("Map", "MapLeft", "MapRight")):
                continue
            key = header.split(":")[0] + header.split(" in ")[-1] + total.group(1)
            if key in seen:
                continue
            seen.add(key)
            label = f"{step}: " + re.sub(r"^Operator \d+ ", "", header.split(": ")[0])
            moved[label] = moved.get(label, 0) + int(total.group(1))
    return moved


def machine():
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB memory, {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--cpus", default="2,1")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--label", default="ray")
    parser.add_argument("--command", default="make bench-ray")
    args = parser.parse_args()
    require_release()
    args.work.mkdir(parents=True, exist_ok=True)
    files = [p for p in args.corpus.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"corpus: {len(files):,} files, {size / 1e6:.0f} MB")
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    env.pop("RAY_ADDRESS", None)

    rows, results = [], {}
    for cpus in [int(c) for c in args.cpus.split(",")]:
        out = args.work / f"cli-{cpus}"
        shutil.rmtree(out, ignore_errors=True)
        seconds, code, peaks, total = watched(
            [str(args.binary), "run", "--input", str(args.corpus), "--output", str(out), "--threads", str(cpus)]
        )
        assert code == 0, "newsprep run failed"
        cli_manifest = json.loads((out / "manifest.json").read_text())
        print(f"newsprep run, {cpus} thread(s): {seconds:.1f} s, peak RSS {total:.0f} MiB")

        out = args.work / f"ray-{cpus}"
        shutil.rmtree(out, ignore_errors=True)
        saved = args.work / f"ray-{cpus}.json"
        ray_seconds, code, ray_peaks, ray_total = watched(
            [sys.executable, "-c", DRIVER, str(args.corpus), str(out), str(cpus), str(saved)], env=env
        )
        assert code == 0, "newsprep.ray failed"
        saved_run = json.loads(saved.read_text())
        manifest = saved_run["manifest"]
        assert manifest["counts"]["kept"] == cli_manifest["counts"]["kept"], "Ray kept other documents than the CLI"
        workers = [rss for rss, name in ray_peaks.values() if name.startswith("ray::")]
        driver = ray_peaks.get(min(ray_peaks), (0.0, ""))[0] if ray_peaks else 0.0
        moved = shuffled_bytes(saved_run["stats"])
        read = manifest["counts"]["read"]
        ratio = ray_seconds / seconds
        print(
            f"newsprep.ray, {cpus} CPU(s): {ray_seconds:.1f} s ({ratio:.2f} x the CLI), {len(workers)} workers, "
            f"worker peak RSS {max(workers, default=0):.0f} MiB, whole tree peak {ray_total:.0f} MiB"
        )
        passes = ", ".join(f"{p['name']} {p['wall_ms'] / 1000:.1f}" for p in manifest["passes"])
        print(f"  Ray steps (wall s): {passes}")
        for label, n in moved.items():
            print(f"  shuffle {label}: {n / 1e6:.1f} MB, {n / max(read, 1):.0f} bytes per document")
        results[cpus] = {
            "cli": seconds,
            "cli_rss": total,
            "ray": ray_seconds,
            "ratio": ratio,
            "workers": workers,
            "worker_peak": max(workers, default=0),
            "driver": driver,
            "tree": ray_total,
            "moved": moved,
            "passes": passes,
            "counts": manifest["counts"],
            "cli_passes": ", ".join(f"{p['name']} {p['wall_ms'] / 1000:.1f}" for p in cli_manifest["passes"]),
        }
        rows.append(
            f"| {cpus} | {seconds:.1f} | {total:.0f} MiB | {ray_seconds:.1f} | {ratio:.2f} x | "
            f"{max(workers, default=0):.0f} MiB ({len(workers)} workers) | {ray_total:.0f} MiB |"
        )

    if args.write:
        first = results[min(results, key=lambda c: -c)]
        c = first["counts"]
        read = max(c["read"], 1)
        shuffles = "\n".join(
            f"| {label} | {n / 1e6:.1f} MB | {n / read:.0f} |" for label, n in first["moved"].items()
        )
        two = results.get(2)
        lines = [
            f"Measured {datetime.date.today().isoformat()} on {machine()}, one run of `{args.command}` "
            f"({len(files):,} files, {size / 1e6:.0f} MB of `gen-corpus --kind pages`); each run a fresh process, "
            "start-up included:",
            "",
            "| CPUs / threads | `newsprep run` s | its peak RSS | `newsprep.ray` s | Ray / CLI | worker peak RSS | Ray's whole process tree, peak |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"Outcome (both): read {c['read']:,}, kept {c['kept']:,}, duplicates {c['duplicates']:,}, "
            f"quarantined {c['quarantined']:,}. Ray's steps at {max(results)} CPUs (wall s): {first['passes']}; "
            f"the CLI's passes: {first['cli_passes']}.",
            "",
            f"What each shuffle's map side wrote at {max(results)} CPUs (Ray Data's statistics):",
            "",
            "| shuffle | bytes | bytes per document read |",
            "| --- | --- | --- |",
            shuffles,
        ]
        if two:
            lines += [
                "",
                "| target | measured | |",
                "| --- | --- | --- |",
                f"| Ray at 2 CPUs within 1.5 x the CLI at 2 threads | {two['ratio']:.2f} x | "
                f"{'met' if two['ratio'] <= 1.5 else 'missed'} |",
            ]
        block = "\n".join(lines)
        write_block(args.write, args.label, block)
        print(f"figures written to {args.write} (<!-- bench:{args.label} -->)")


if __name__ == "__main__":
    main()

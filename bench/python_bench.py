"""The newsprep package (release build) on the article-extraction benchmark's pages, one
thread: `newsprep.extract` beside `trafilatura.extract` in the same run (pages/s and the
benchmark's shingle4 F1, the metric of html_peer.py), then `Pipeline.process` in batches
of 256 beside `newsprep run --threads 1` with the same stages, and the Python objects
`process` leaves behind.

usage: python_bench.py NEWSPREP_BIN HTML_DIR GOLD_DIR WORK_DIR [--rounds 3]
"""

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

# One thread for the package as for the CLI it is measured against: rayon reads this
# when its pool starts, so before newsprep is imported.
os.environ["RAYON_NUM_THREADS"] = "1"

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import trafilatura  # noqa: E402

import newsprep  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from release_module import require_release  # noqa: E402
from html_peer import matching, prf, shingles  # noqa: E402

# Boilerplate's recurrence (a corpus rule), dedup and the people linker (corpus
# stages) off: what is left is each document's own work, the same on both sides.
PER_DOCUMENT = "[boilerplate]\nmin_recurrence = 1000000\n[dedup]\nenabled = false\n[entities]\nlink_people = false\n"


def timed(rounds, f):
    """The median wall seconds and CPU seconds (this process's, every thread) of
    `rounds` calls of f, and its last result. On a machine shared with other work the
    CPU seconds are the figure to compare: the wall time grows with the others' load."""
    times, cpu, result = [], [], None
    for _ in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = f()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(times), statistics.median(cpu), result


def f1(pages, texts):
    return prf([matching(shingles(gold), shingles(text or "")) for (_, _, gold), text in zip(pages, texts)])


CLI_CPU = []


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(binary, input_dir, output, config, threads="1"):
    """The run's wall seconds, manifest and documents table; its CPU seconds in
    CLI_CPU (the children's rusage before and after)."""
    started, cpu_started = time.perf_counter(), children_cpu()
    subprocess.run(
        [binary, "run", "--quiet", "--input", input_dir, "--output", output, "--threads", threads, "--config", config],
        check=True,
        cwd=output.parent,
    )
    seconds = time.perf_counter() - started
    CLI_CPU.append(children_cpu() - cpu_started)
    manifest = json.loads((output / "manifest.json").read_text())
    return seconds, manifest, pq.read_table(output / "documents.parquet")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", type=Path)
    parser.add_argument("html", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    require_release()
    binary = args.binary.resolve()
    # The CLI runs in the work folder: every path it is given must be absolute.
    args.work, args.html = args.work.resolve(), args.html.resolve()
    args.work.mkdir(parents=True, exist_ok=True)

    paths = sorted(args.html.glob("*.html.gz"))
    pages = []
    for path in paths:
        page_id = path.name[: -len(".html.gz")]
        gold = (args.gold / f"{page_id}.txt").read_text(encoding="utf-8")
        pages.append((path.name, gzip.decompress(path.read_bytes()), gold))
    size = sum(len(html) for _, html, _ in pages) / 1e6
    print(f"{len(pages)} pages, {size:.1f} MB, one thread, median of {args.rounds} rounds")

    # extract: the stages are built on the first call, left out of the timing.
    newsprep.extract(pages[0][1])
    seconds, cpu, extracted = timed(args.rounds, lambda: [newsprep.extract(html) for _, html, _ in pages])
    ours = [row["text"] if row else None for row in extracted]
    ours_rate, ours_cpu_rate = len(pages) / seconds, len(pages) / cpu
    # trafilatura takes text, as html_peer.py hands it over.
    as_text = [html.decode("utf-8", errors="replace") for _, html, _ in pages]
    trafilatura.extract(as_text[0])
    seconds, cpu, theirs = timed(args.rounds, lambda: [trafilatura.extract(html) for html in as_text])
    theirs_rate, theirs_cpu_rate = len(pages) / seconds, len(pages) / cpu

    # The pipeline's HTML path: newsprep run over the same pages, every stage on.
    config = args.work / "pipeline.toml"
    config.write_text("")
    _, _, documents = cli(binary, args.html, args.work / "out-all", config)
    by_path = dict(zip(documents.column("source_path").to_pylist(), documents.column("text").to_pylist()))
    pipeline = [by_path.get(name) for name, _, _ in pages]
    same = sum(a == b for a, b in zip(ours, pipeline))

    print("| | pages/s (1 thread, wall) | pages per CPU second | shingle4 P | shingle4 R | shingle4 F1 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, rate, cpu_rate, texts in [
        (f"newsprep.extract {newsprep.__version__}", f"{ours_rate:,.0f}", f"{ours_cpu_rate:,.0f}", ours),
        ("`newsprep run`, every stage on (the pipeline's HTML path)", "", "", pipeline),
        (f"trafilatura.extract {trafilatura.__version__}", f"{theirs_rate:,.0f}", f"{theirs_cpu_rate:,.0f}", theirs),
    ]:
        p, r, f = f1(pages, texts)
        print(f"| {label} | {rate} | {cpu_rate} | {p:.3f} | {r:.3f} | {f:.3f} |")
    print(
        f"extract / trafilatura: {ours_rate / theirs_rate:.1f} times the pages/s (wall), "
        f"{ours_cpu_rate / theirs_cpu_rate:.1f} times the pages per CPU second"
    )
    print(f"extract's text is the pipeline's on {same} of {len(pages)} pages")

    # Pipeline.process in batches of 256 against newsprep run with the same stages, on
    # the files' bytes as on disk (gzip), as the run reads them.
    config.write_text(PER_DOCUMENT)
    process = newsprep.Pipeline(config)
    batches = [
        pa.record_batch(
            {
                "source_path": pa.array([name for name, _, _ in pages[i : i + 256]]),
                "content": pa.array([p.read_bytes() for p in paths[i : i + 256]], pa.large_binary()),
            }
        )
        for i in range(0, len(pages), 256)
    ]
    process.process(batches[0])
    seconds, cpu, out = timed(args.rounds, lambda: [process.process(b) for b in batches])
    process_rate, process_cpu_rate = len(pages) / seconds, len(pages) / cpu
    CLI_CPU.clear()
    runs = [cli(binary, args.html, args.work / f"out-{i}", config) for i in range(args.rounds)]
    cli_seconds = statistics.median(s for s, _, _ in runs)
    cli_cpu_rate = len(pages) / statistics.median(CLI_CPU)
    pass_seconds = statistics.median(sum(p["wall_ms"] for p in m["passes"]) / 1000 for _, m, _ in runs)
    cli_rate, pass_rate = runs[0][1]["counts"]["read"] / cli_seconds, len(pages) / pass_seconds
    table = pa.Table.from_batches(out)
    kept = {n: t for n, t in zip(table.column("source_path").to_pylist(), table.column("text").to_pylist()) if t}
    cli_texts = dict(zip(runs[0][2].column("source_path").to_pylist(), runs[0][2].column("text").to_pylist()))
    print("| | documents/s (1 thread) | seconds |")
    print("| --- | --- | --- |")
    print(f"| Pipeline.process, batches of 256 | {process_rate:,.0f} | {seconds:.3f} |")
    print(f"| newsprep run --threads 1, whole run (start-up, passes, writing) | {cli_rate:,.0f} | {cli_seconds:.3f} |")
    print(f"| newsprep run --threads 1, its passes alone (manifest) | {pass_rate:,.0f} | {pass_seconds:.3f} |")
    print(
        f"documents per CPU second: Pipeline.process {process_cpu_rate:,.0f}, newsprep run (whole process) "
        f"{cli_cpu_rate:,.0f}: {process_cpu_rate / cli_cpu_rate:.2f}"
    )
    print(
        f"process / run: {process_rate / cli_rate:.2f} (whole run), {process_rate / pass_rate:.2f} (passes); "
        f"same text as the run's on {sum(kept.get(n) == t for n, t in cli_texts.items())} of {len(cli_texts)} documents"
    )

    # No Python object per row: the blocks Python holds after a call, its result kept.
    before = sys.getallocatedblocks()
    held = [process.process(b) for b in batches]
    after = sys.getallocatedblocks()
    print(
        f"Python blocks allocated by process over {len(pages)} rows, result held: {after - before} "
        f"({sum(b.num_rows for b in held)} rows out, {sum(b.nbytes for b in held) / 1e6:.1f} MB of Arrow)"
    )


if __name__ == "__main__":
    main()

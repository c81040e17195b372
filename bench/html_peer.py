"""trafilatura on the same HTML pages as `newsprep-bench eval-html`, one thread, in the same
run: pages/s and MB/s over the median of three rounds, and the benchmark's shingle4 F1
against the gold texts (the metric of crates/bench/src/eval.rs, ported).

usage: html_peer.py HTML_DIR GOLD_DIR [--exclude-ids FILE]
"""

import argparse
import gzip
import re
import statistics
import time
from collections import Counter
from pathlib import Path

import trafilatura


def shingles(text, n=4):
    words = re.findall(r"\w+", text)
    if not words:
        return Counter()
    if len(words) < n:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def matching(gold, pred):
    tp = sum((gold & pred).values())
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(tp, fp, fn, miss):
    if fp == 0 and fn == 0:
        return 1.0
    if tp == 0 and miss == 0:
        return 0.0
    return tp / (tp + miss)


def prf(pages):
    precision = [score(tp, fp, fn, fp) for tp, fp, fn in pages if tp + fp > 0]
    recall = [score(tp, fp, fn, fn) for tp, fp, fn in pages if tp + fn > 0]
    p = sum(precision) / len(precision) if precision else 0.0
    r = sum(recall) / len(recall) if recall else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("html")
    parser.add_argument("gold")
    parser.add_argument("--exclude-ids")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    excluded = set()
    if args.exclude_ids:
        excluded = {l.strip() for l in Path(args.exclude_ids).read_text().splitlines() if l.strip()}
    pages = []
    for path in sorted(Path(args.html).iterdir()):
        name = path.name
        if name.endswith(".html.gz"):
            data, page_id = gzip.decompress(path.read_bytes()), name[: -len(".html.gz")]
        elif name.endswith(".html"):
            data, page_id = path.read_bytes(), name[: -len(".html")]
        else:
            continue
        gold = (Path(args.gold) / f"{page_id}.txt").read_text(encoding="utf-8")
        pages.append((page_id, data.decode("utf-8", errors="replace"), gold))
    size = sum(len(html.encode("utf-8")) for _, html, _ in pages) / 1e6
    rounds, extracted = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        extracted = [trafilatura.extract(html) or "" for _, html, _ in pages]
        rounds.append(time.perf_counter() - started)
    seconds = statistics.median(rounds)
    print(
        f"trafilatura {trafilatura.__version__}: {len(pages)} pages, {size:.1f} MB, median of {len(rounds)} rounds "
        f"on one thread: {seconds:.2f} s ({len(pages) / seconds:.0f} pages/s, {size / seconds:.2f} MB/s)"
    )
    scored = [(pid, matching(shingles(gold), shingles(text))) for (pid, _, gold), text in zip(pages, extracted)]
    p, r, f = prf([s for _, s in scored])
    print(f"trafilatura all pages                pages {len(scored)}  shingle4 P {p:.3f} R {r:.3f} F1 {f:.3f}")
    if excluded:
        kept = [s for pid, s in scored if pid not in excluded]
        p, r, f = prf(kept)
        print(f"trafilatura without the {len(excluded)} listed ids   pages {len(kept)}  shingle4 P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()

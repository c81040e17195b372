#!/usr/bin/env python3
"""The peer for newsprep's dedup benchmark: Python's datasketch MinHashLSH with the
same parameters (5-word shingles of lower-cased \\w+ words, 128 permutations, 16 bands
of 8 rows), end to end on the same folder: read texts, shingle, MinHash with
update_batch, insert every document, query every document for its candidates.

Usage: dedup_peer.py DIR
"""

import re
import sys
import time
from pathlib import Path

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")
SHINGLE, PERMUTATIONS, BANDS, ROWS = 5, 128, 16, 8


def main() -> None:
    folder = Path(sys.argv[1])
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.8, num_perm=PERMUTATIONS, params=(BANDS, ROWS))
    signatures = []
    for i, text in enumerate(texts):
        words = WORD.findall(text.lower())
        count = max(1, len(words) - SHINGLE + 1)
        shingles = {" ".join(words[j : j + SHINGLE]).encode("utf-8") for j in range(count)}
        signature = MinHash(num_perm=PERMUTATIONS)
        signature.update_batch(list(shingles))
        lsh.insert(i, signature)
        signatures.append(signature)
    pairs = set()
    for i, signature in enumerate(signatures):
        for j in lsh.query(signature):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    seconds = time.perf_counter() - started
    print(
        f"datasketch: documents: {len(texts)}  {seconds:.3f} s on one thread "
        f"({len(texts) / seconds:.0f} documents/s), candidate pairs {len(pairs)}"
    )


if __name__ == "__main__":
    main()

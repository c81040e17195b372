#!/usr/bin/env python3
"""The language column of a pipeline run over the article-bench pages against the
hand labels in eval/language_article_bench.tsv; writes the pages' article texts with
their labels as TSV (code<TAB>text) for bench/language's whatlang/lingua comparison.

    language_eval.py OUTPUT_DIR LABELS TEXTS_TSV
"""
import sys
from pathlib import Path

import pyarrow.parquet as pq

out, labels_path, texts_path = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
labels = {}
for line in labels_path.read_text(encoding="utf-8").splitlines():
    if line.startswith("#") or not line.strip():
        continue
    page_id, code, _url = line.split("\t")
    labels[page_id] = code

rows = pq.read_table(out / "documents.parquet", columns=["source_path", "language", "language_score", "text"]).to_pylist()
quarantined = pq.read_table(out / "quarantine.parquet", columns=["source_path"]).to_pylist()
found = {r["source_path"].split(".")[0]: r for r in rows}
right, wrong, missing = 0, [], [q["source_path"] for q in quarantined]
for page_id, code in sorted(labels.items()):
    row = found.get(page_id)
    if row is None:
        continue
    if row["language"] == code:
        right += 1
    else:
        wrong.append(f"{page_id[:8]} labelled {code}, found {row['language']} ({row['language_score']}): {row['text'][:60]!r}")
total = len(labels)
print(f"language on the article-bench pages: {right}/{total} right ({100 * right / total:.1f}%), "
      f"{len(missing)} quarantined, labels by hand in {labels_path}")
for line in wrong:
    print("  " + line)
with texts_path.open("w", encoding="utf-8") as f:
    for page_id, code in sorted(labels.items()):
        row = found.get(page_id)
        if row is not None:
            f.write(code + "\t" + " ".join(row["text"].split()) + "\n")

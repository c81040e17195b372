"""Rebuilds redocred.conll of this folder from the Re-DocRED release.

Usage: python3 redocred_to_conll.py RE_DOCRED_CHECKOUT

where the checkout is a git clone of tonytan48/Re-DocRED at commit
ccfb54f5ddf5836027c87badda10f6dfc56efaac. Its dev and test sections
(`data/dev_revised.json`, `data/test_revised.json`: 1,000 English Wikipedia lead
sections, tokens and sentences as released) become `token tag` lines in BIO, one
`-DOCSTART-` per document, the CoNLL that `make ner-model` reads.

What changes, and why:
- PER, ORG, LOC and MISC mentions keep their label; TIME and NUM mentions are `O`
  (the tagger has no such labels; the stage finds dates and counts by rule).
- DocRED labels nationalities as places ("an American songwriter"); the CoNLL
  convention our other sets follow calls them MISC. A one-word LOC mention that no
  place of `../gazetteer.tsv` is named and that ends as nationality words do
  ("-an", "-ese", "-ish", "-i", "-ch") becomes MISC: "American" and "Dutch" do,
  "Japan" and "Milan" stay places.
- Where two mentions overlap, the first in the file keeps its tokens.
- Tokens lose any space inside them (66 in dev, 39 in test), and blank tokens are
  left out, so that each line is one token and its tag.
"""

import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
GAZETTEER = HERE.parent / "gazetteer.tsv"

FILES = ["data/dev_revised.json", "data/test_revised.json"]
TARGET = "redocred.conll"
LABELS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
NATIONALITY_ENDING = re.compile(r"(an|ese|ish|i|ch)$")


def place_names() -> set[str]:
    names = set()
    lines = GAZETTEER.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        fields = line.split("\t")
        names.add(fields[1])
        names.update(n for n in fields[7].split("|") if n)
    return names


def label(mention: dict, places: set[str]) -> str | None:
    kind = LABELS.get(mention["type"])
    if kind == "LOC":
        name = mention["name"]
        if " " not in name and name not in places and NATIONALITY_ENDING.search(name):
            return "MISC"
    return kind


def convert(doc: dict, places: set[str]) -> list[str]:
    tags = [["O"] * len(sentence) for sentence in doc["sents"]]
    for entity in doc["vertexSet"]:
        for mention in entity:
            kind = label(mention, places)
            start, end = mention["pos"]
            row = tags[mention["sent_id"]]
            if kind is None or any(t != "O" for t in row[start:end]):
                continue
            row[start] = f"B-{kind}"
            for i in range(start + 1, end):
                row[i] = f"I-{kind}"
    out = ["-DOCSTART- O", ""]
    for sentence, row in zip(doc["sents"], tags):
        # A few released tokens hold spaces ("1 000"): one field on a line.
        out.extend(f"{''.join(word.split())} {tag}" for word, tag in zip(sentence, row) if word.strip())
        out.append("")
    return out


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    checkout = pathlib.Path(sys.argv[1])
    places = place_names()
    out = []
    for name in FILES:
        for doc in json.loads((checkout / name).read_text(encoding="utf-8")):
            out.extend(convert(doc, places))
    (HERE / TARGET).write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

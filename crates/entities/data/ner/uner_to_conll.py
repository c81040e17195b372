"""Rebuilds uner_pud.conll of this folder from the Universal NER release.

Usage: python3 uner_to_conll.py PUD_CHECKOUT

where the checkout is a git clone of UniversalNER/UNER_English-PUD at commit
07ea0553144e3fcf3d6633efe2a075b725a0d262. The only change is the format: UNER's
five columns (index, token, tag, and two annotation columns) become `token tag` lines,
and each `# newdoc id` a `-DOCSTART-` line, the CoNLL that `make ner-model` reads.
Tokens, tags, sentences and their order are kept as released.
"""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent

FILES = [("en_pud-ud-test.iob2", "uner_pud.conll")]


def convert(source: pathlib.Path) -> str:
    out = []
    in_sentence = False
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc id"):
            out.append("-DOCSTART- O")
            out.append("")
            continue
        if line.startswith("#"):
            continue
        if not line.strip():
            if in_sentence:
                out.append("")
            in_sentence = False
            continue
        fields = line.split("\t")
        out.append(f"{fields[1]} {fields[2]}")
        in_sentence = True
    if in_sentence:
        out.append("")
    return "\n".join(out) + "\n"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    checkout = pathlib.Path(sys.argv[1])
    for name, target in FILES:
        (HERE / target).write_text(convert(checkout / name), encoding="utf-8")


if __name__ == "__main__":
    main()

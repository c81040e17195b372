#!/usr/bin/env python3
"""Writes OUT (make eval-language: target/bench/language/multilingual.tsv): short news-like documents in the 27 languages
boilerplate removal has stop-word lists for, each labelled with its ISO 639-1 code.

Source: the test sentences that ship with lingua's language model crates on crates.io
(`lingua-<language>-language-model` 1.3.0, `testdata/sentences.txt`, Apache-2.0; the
sentences come from the Leipzig Corpora Collection's news and web corpora). Each
document joins consecutive sentences until it has at least 40 words, the length of a
news brief; 30 documents a language. Deterministic. The set is built where it is
measured and never committed: the crates' licence covers the sentences as lingua ships
them, and we need not ship them at all.

    python3 scripts/build_language_set.py OUT   # after: cargo fetch --manifest-path bench/language/Cargo.toml
"""
import glob
import os
import sys
from pathlib import Path

# (lingua crate name, ISO 639-1 code), the stop-word languages of crates/boilerplate.
LANGUAGES = [
    ("arabic", "ar"), ("catalan", "ca"), ("czech", "cs"), ("danish", "da"),
    ("dutch", "nl"), ("english", "en"), ("finnish", "fi"), ("french", "fr"),
    ("german", "de"), ("greek", "el"), ("hindi", "hi"), ("hungarian", "hu"),
    ("indonesian", "id"), ("italian", "it"), ("korean", "ko"), ("malay", "ms"),
    ("bokmal", "nb"), ("persian", "fa"), ("polish", "pl"), ("portuguese", "pt"),
    ("romanian", "ro"), ("russian", "ru"), ("spanish", "es"), ("swedish", "sv"),
    ("turkish", "tr"), ("ukrainian", "uk"), ("vietnamese", "vi"),
]
DOCS_PER_LANGUAGE = 30
MIN_WORDS = 40

def registry_dirs():
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    return glob.glob(str(home / "registry" / "src" / "*"))

def sentences(crate):
    for base in registry_dirs():
        path = Path(base) / f"lingua-{crate}-language-model-1.3.0" / "testdata" / "sentences.txt"
        if path.exists():
            return [l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    sys.exit(f"lingua-{crate}-language-model 1.3.0 is not in the cargo registry: "
             "cargo fetch --manifest-path bench/language/Cargo.toml")

def main():
    out = Path(sys.argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# code\ttext (scripts/build_language_set.py; sentences from lingua's model crates, Apache-2.0)"]
    for crate, code in LANGUAGES:
        doc, n = [], 0
        made = 0
        for s in sentences(crate):
            if "\t" in s:
                continue
            doc.append(s)
            if sum(len(x.split()) for x in doc) >= MIN_WORDS:
                lines.append(f"{code}\t{' '.join(doc)}")
                doc = []
                made += 1
                if made == DOCS_PER_LANGUAGE:
                    break
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(lines) - 1} documents)")

main()

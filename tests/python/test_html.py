"""HTML pages as a notebook reads them: `format`, `author` and `url` from pyarrow and
polars, on real pages of the article-extraction benchmark (tests/fixtures/html)."""

import os
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep"))
FIXTURES = REPO / "tests" / "fixtures" / "html"


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    root = tmp_path_factory.mktemp("html")
    (root / "input").mkdir()
    for page in ["techcrunch", "latimes", "cleveland"]:
        shutil.copy(FIXTURES / f"{page}.html.gz", root / "input")
    shutil.copy(next((REPO / "raw").glob("*.txt")), root / "input" / "dump.txt")
    run = subprocess.run(
        [BINARY, "run", "--quiet", "--input", root / "input", "--output", root / "output"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return root / "output"


def test_pyarrow_reads_format_author_and_url(output):
    table = pq.read_table(output / "documents.parquet")
    assert table.schema.field("author").type == pa.list_(pa.field("item", pa.string(), nullable=False))
    rows = {r["source_path"]: r for r in table.to_pylist()}
    assert rows["dump.txt"]["format"] == "text"
    assert rows["dump.txt"]["author"] is None and rows["dump.txt"]["url"] is None
    page = rows["techcrunch.html.gz"]
    assert page["format"] == "html"
    assert page["url"].startswith("https://techcrunch.com/2019/11/18/")
    assert page["author"] and all(isinstance(name, str) and name for name in page["author"])
    assert page["site_name"] == "TechCrunch"


def test_polars_filters_pages_and_explodes_authors(output):
    docs = pl.read_parquet(output / "documents.parquet")
    pages = docs.filter(pl.col("format") == "html")
    assert pages.height == 3
    assert pages["url"].null_count() == 0
    authors = pages.select("source_path", "author").explode("author").drop_nulls()
    assert authors.height >= 3
    assert docs.schema["author"] == pl.List(pl.String)

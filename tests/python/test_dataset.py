"""The dataset in every notebook tool: pandas, DuckDB, pyarrow datasets and polars read
the tables, a rotated many-file table reads as one, the example notebook runs headless,
and `newsprep report` agrees with figures computed here independently."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import nbformat
import pandas as pd
import polars as pl
import pyarrow.dataset as ds
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep"))


def run(corpus: Path, out: Path, config: str = "") -> None:
    config_file = out.parent / f"{out.name}.toml"
    config_file.write_text(config)
    done = subprocess.run(
        [BINARY, "run", "--quiet", "--config", config_file, "--input", corpus, "--output", out],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("dataset")
    shutil.copytree(REPO / "raw", root / "input")
    # A syndicated copy, so there is a duplicate cluster to find.
    seed = (REPO / "raw" / "002_dc011476645fddff.txt").read_text()
    (root / "input" / "copy_of_reuters.txt").write_text(seed.replace("Reuters", "Reuters via wire"))
    run(root / "input", root / "single")
    run(root / "input", root / "rotated", "[export]\nmax_rows_per_file = 2\n")
    return root


def test_pandas_reads_types_and_joins(corpus):
    docs = pd.read_parquet(corpus / "single" / "documents.parquet")
    assert str(docs["published"].dtype) == "datetime64[us, UTC]"
    assert docs["n_words"].dtype == "int64"
    assert docs["is_duplicate"].dtype == "bool"
    assert docs["is_duplicate"].sum() == 1
    entities = pd.read_parquet(corpus / "single" / "entities.parquet")
    joined = entities.merge(docs[["doc_id", "source_path"]], on="doc_id", how="left")
    assert joined["source_path"].notna().all()


def test_duckdb_reads_and_joins_the_globs(corpus):
    out = corpus / "single"
    con = duckdb.connect()
    docs = con.execute(f"select count(*) from '{out}/documents*.parquet'").fetchone()[0]
    assert docs == 6
    per_label = dict(
        con.execute(
            f"""select e.label, count(*) from '{out}/entities*.parquet' e
                join '{out}/documents*.parquet' d using (doc_id) group by e.label"""
        ).fetchall()
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert per_label == manifest["mentions_by_label"]
    kind = con.execute(f"select typeof(published) from '{out}/documents.parquet' limit 1").fetchone()[0]
    assert kind == "TIMESTAMP WITH TIME ZONE"


def test_a_rotated_dataset_reads_as_one_table(corpus):
    rotated = sorted(p.name for p in (corpus / "rotated").glob("documents*.parquet"))
    assert rotated == ["documents-00000.parquet", "documents-00001.parquet", "documents-00002.parquet"]
    single = pl.read_parquet(corpus / "single" / "documents.parquet")
    many = pl.read_parquet(corpus / "rotated" / "documents*.parquet")
    assert many.drop("entities").equals(single.drop("entities"))
    assert ds.dataset(sorted((corpus / "rotated").glob("documents-*.parquet"))).count_rows() == 6
    con = duckdb.connect()
    assert con.execute(f"select count(*) from '{corpus}/rotated/documents*.parquet'").fetchone()[0] == 6
    assert con.execute(f"select count(*) from '{corpus}/rotated/entities*.parquet'").fetchone()[0] == len(
        pl.read_parquet(corpus / "single" / "entities.parquet")
    )


def test_the_example_notebook_runs(corpus, monkeypatch):
    notebook = nbformat.read(REPO / "examples" / "explore.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), "outputs cleared"
    monkeypatch.setenv("NEWSPREP_OUTPUT", str(corpus / "rotated"))
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPO / "examples")}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]


def test_report_figures_match_an_independent_count(corpus):
    out = corpus / "rotated"
    done = subprocess.run(
        [BINARY, "report", "--output", out, "--format", "json", "--top", "3"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    docs = pl.read_parquet(out / "documents*.parquet")
    entities = pl.read_parquet(out / "entities*.parquet")
    assert report["read"] == 6
    assert report["kept"] == docs.filter(~pl.col("is_duplicate")).height
    assert report["duplicates"] == docs.filter(pl.col("is_duplicate")).height
    assert report["words_kept"] == docs["n_words"].sum()
    assert report["words_removed"] == docs["removed_words"].sum()
    people = (
        entities.filter(pl.col("label") == "PERSON")
        .group_by("canonical")
        .len()
        .sort(["len", "canonical"], descending=[True, False])
        .head(3)
    )
    top = dict(report["top_entities"])["PERSON"]
    assert [tuple(row) for row in top] == list(zip(people["canonical"], people["len"]))
    sources = dict(report["documents_by_source"])
    assert sources["Reuters"] == 1
    assert sum(sources.values()) == docs.height
    assert dict(report["documents_by_month"]) == {"2005-03": 1}
    languages = dict(report["documents_by_language"])
    assert languages == dict(docs.group_by("language").len().iter_rows())
    assert sum(languages.values()) == docs.height
    table = subprocess.run([BINARY, "report", "--output", out], capture_output=True, text=True).stdout
    assert "Top PERSON" in table and "Kurmanbek Bakiyev" in table
    # The folder may also be named alone, as most tools take it; not both ways at once.
    assert subprocess.run([BINARY, "report", out], capture_output=True, text=True).stdout == table
    both = subprocess.run([BINARY, "report", out, "--output", out], capture_output=True, text=True)
    assert both.returncode == 2 and "cannot be used with" in both.stderr

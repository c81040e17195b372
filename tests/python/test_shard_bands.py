"""The shards' band tables are plain Parquet: DuckDB finds the candidate pairs across
shards with the join docs/operations.md prints, and `newsprep merge` marks those same
documents as duplicates."""

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import polars as pl

REPO = Path(__file__).resolve().parents[2]
# Resolved now: the tests run it from temporary folders.
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep")).resolve()
CANDIDATES = """
WITH b AS (
  SELECT doc_id, unnest(bands) AS band, generate_subscripts(bands, 1) AS i
  FROM '{glob}'
)
SELECT DISTINCT x.doc_id AS a, y.doc_id AS b
FROM b x JOIN b y ON x.i = y.i AND x.band = y.band AND x.doc_id < y.doc_id
"""


def run(*args, cwd):
    done = subprocess.run([str(BINARY), *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_duckdb_joins_the_band_tables_across_shards(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    seed = sorted(raw.glob("*.txt"))[0]
    for i in range(6):
        shutil.copy(seed, raw / f"copy-{i}.txt")
    for k in range(2):
        run("run", "-q", "--input", "raw", "--output", "out", "--shard", f"{k}/2", cwd=tmp_path)
    run("merge", "-q", "--input", "raw", "--output", "out", cwd=tmp_path)

    shard_of = {}
    for k in range(2):
        ids = pl.read_parquet(tmp_path / f"out/shards/{k}-of-2/_state/trace.parquet")["doc_id"]
        shard_of.update({doc_id: k for doc_id in ids})
    glob = str(tmp_path / "out/shards/*/_state/trace*.parquet")
    pairs = duckdb.sql(CANDIDATES.format(glob=glob)).fetchall()
    across = [(a, b) for a, b in pairs if shard_of[a] != shard_of[b]]
    assert across, "the copies fall into both shards"

    docs = pl.read_parquet(tmp_path / "out/documents.parquet")
    cluster = dict(zip(docs["doc_id"], docs["dup_cluster"]))
    for a, b in across:
        assert cluster[a] == cluster[b]

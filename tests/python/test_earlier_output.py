"""An earlier output that another tool rewrote: an incremental run over it must not
crash. It says why it cannot build on it, processes every input, and writes the same
dataset a fresh run writes."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep"))


def run(*args):
    return subprocess.run([BINARY, "run", *map(str, args)], capture_output=True, text=True)


def test_a_retyped_column_makes_an_incremental_run_start_over_not_crash(tmp_path):
    inputs = tmp_path / "input"
    shutil.copytree(REPO / "raw", inputs)
    output = tmp_path / "output"
    first = run("--quiet", "--input", inputs, "--output", output)
    assert first.returncode == 0, first.stderr
    before = pq.read_table(output / "documents.parquet")

    # A notebook "fixes" the table: source_bytes to 32-bit, metadata kept.
    path = output / "documents.parquet"
    table = pq.read_table(path)
    at = table.schema.get_field_index("source_bytes")
    table = table.set_column(at, pa.field("source_bytes", pa.int32(), nullable=False),
                             table.column(at).cast(pa.int32()))
    pq.write_table(table, path)

    again = run("--incremental", "--input", inputs, "--output", output)
    assert again.returncode == 0, again.stderr
    assert "panicked" not in again.stderr
    assert "source_bytes" in again.stderr and "processing every input" in again.stderr, again.stderr
    manifest = json.loads((output / "manifest.json").read_text())
    assert manifest["reuse"]["restored"] == 0
    assert manifest["counts"]["read"] == manifest["reuse"]["decodes"]
    after = pq.read_table(output / "documents.parquet")
    assert after.column("text").to_pylist() == before.column("text").to_pylist()
    assert after.schema.field("source_bytes").type == pa.int64()

"""docs/schema.md against the real files: every table's columns, in order, with the
documented type and nullability. The doc cannot drift from the code unnoticed."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep"))

TYPES = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp (µs, UTC)": pa.timestamp("us", tz="UTC"),
    "list of string": pa.list_(pa.field("item", pa.string(), nullable=False)),
}


def documented_tables():
    """{file name: [(column, type text, nullable)]} from the doc's tables."""
    tables, current = {}, None
    for line in (REPO / "docs" / "schema.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## `(\w+\.parquet)`", line)
        if heading:
            current = tables.setdefault(heading.group(1), [])
            continue
        if line.startswith("## "):
            current = None
        row = re.match(r"^\| (`[^|]+`) \| ([^|]+) \| (yes|no) \|", line)
        if current is not None and row:
            for name in re.findall(r"`(\w+)`", row.group(1)):
                current.append((name, row.group(2).strip(), row.group(3) == "yes"))
    return tables


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    root = tmp_path_factory.mktemp("schema")
    shutil.copytree(REPO / "raw", root / "input")
    run = subprocess.run(
        [BINARY, "run", "--quiet", "--input", root / "input", "--output", root / "output"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return root / "output"


def test_every_table_is_documented_column_by_column(output):
    tables = documented_tables()
    assert set(tables) == {"documents.parquet", "entities.parquet", "quarantine.parquet"}
    for file, columns in tables.items():
        schema = pq.read_schema(output / file)
        assert [c[0] for c in columns] == schema.names, file
        for name, type_text, nullable in columns:
            field = schema.field(name)
            assert field.nullable == nullable, f"{file}.{name} nullability"
            if type_text.startswith("list of struct"):
                assert pa.types.is_list(field.type) and pa.types.is_struct(field.type.value_type)
                continue
            assert field.type == TYPES[type_text], f"{file}.{name}: {field.type} vs {type_text}"


def test_nested_mentions_match_the_entities_table(output):
    nested = pq.read_schema(output / "documents.parquet").field("entities").type.value_type
    flat = pq.read_schema(output / "entities.parquet")
    assert [f.name for f in nested] == flat.names[1:]
    assert [f.type for f in nested] == [f.type for f in flat][1:]

"""The output as a notebook sees it: the tables read with pyarrow and polars, with the
types and values a data scientist relies on.

The binary runs on the sample corpus in raw/ (plus a few bad files) into a temporary
directory; nothing is written into the source tree.
"""

import json
from datetime import datetime, timezone
import os
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
MENTION_FIELDS = [
    pa.field("text", pa.string(), nullable=False),
    pa.field("label", pa.string(), nullable=False),
    pa.field("start", pa.int64(), nullable=False),
    pa.field("end", pa.int64(), nullable=False),
    pa.field("canonical", pa.string(), nullable=False),
    pa.field("entity_id", pa.string(), nullable=False),
    pa.field("geonames_id", pa.int64()),
    pa.field("country_code", pa.string()),
    pa.field("lat", pa.float64()),
    pa.field("lon", pa.float64()),
    pa.field("value", pa.int64()),
    pa.field("date", pa.date32()),
]
LATIN1_TEXT = (
    "Le gouvernement intérimaire du Kirghizistan a demandé à la Russie d’envoyer des "
    "troupes pour mettre fin aux violences ethniques dans la ville d’Osh, où des "
    "milliers de réfugiés ont fui vers la frontière."
)
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep"))


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    corpus = root / "input"
    shutil.copytree(REPO / "raw", corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    (corpus / "latin1.txt").write_bytes(LATIN1_TEXT.encode("cp1252"))
    (corpus / "menu.txt").write_text("Home | News | Sport\nSign in\n* Story one\n")
    out = root / "output"
    run = subprocess.run(
        [BINARY, "run", "--quiet", "--input", corpus, "--output", out],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return out


def test_documents_schema_in_pyarrow(output):
    table = pq.read_table(output / "documents.parquet")
    expected = pa.schema(
        [
            pa.field("doc_id", pa.string(), nullable=False),
            pa.field("source_path", pa.string(), nullable=False),
            pa.field("source_bytes", pa.int64(), nullable=False),
            pa.field("format", pa.string(), nullable=False),
            pa.field("encoding", pa.string(), nullable=False),
            pa.field("encoding_source", pa.string(), nullable=False),
            pa.field("mojibake_repairs", pa.int64(), nullable=False),
            pa.field("repairs", pa.int64(), nullable=False),
            pa.field("title", pa.string()),
            pa.field("published", pa.timestamp("us", tz="UTC")),
            pa.field("attribution", pa.string()),
            pa.field("author", pa.list_(pa.field("item", pa.string(), nullable=False))),
            pa.field("site_name", pa.string()),
            pa.field("url", pa.string()),
            pa.field("canonical_url", pa.string()),
            pa.field("page_language", pa.string()),
            pa.field("language", pa.string()),
            pa.field("language_score", pa.float64()),
            pa.field("warc_record_id", pa.string()),
            pa.field("warc_date", pa.timestamp("us", tz="UTC")),
            pa.field("source_offset", pa.int64()),
            pa.field("text", pa.string(), nullable=False),
            pa.field("n_chars", pa.int64(), nullable=False),
            pa.field("n_words", pa.int64(), nullable=False),
            pa.field("content_hash", pa.string(), nullable=False),
            pa.field("boilerplate_lines", pa.int64()),
            pa.field("removed_words", pa.int64()),
            pa.field("removed_text", pa.string()),
            pa.field("removed_rules", pa.list_(pa.field("item", pa.string(), nullable=False))),
            pa.field("dup_cluster", pa.string()),
            pa.field("is_duplicate", pa.bool_()),
            pa.field("duplicate_of", pa.string()),
            pa.field("dup_similarity", pa.float64()),
            pa.field("entities", pa.list_(pa.struct(MENTION_FIELDS))),
        ]
    )
    assert table.schema.remove_metadata() == expected
    assert table.num_rows == 6
    meta = pq.read_metadata(output / "documents.parquet").metadata
    assert meta[b"newsprep.schema_version"] == b"5"
    assert meta[b"newsprep.config_hash"]
    # On the Arrow schema too, where pyarrow and polars readers look.
    assert table.schema.metadata[b"newsprep.schema_version"] == b"5"
    assert pl.read_parquet_metadata(output / "documents.parquet")["newsprep.config_hash"] == meta[b"newsprep.config_hash"].decode()


def test_documents_values_in_polars(output):
    docs = pl.read_parquet(output / "documents.parquet")
    assert docs["source_path"].is_sorted()
    assert sorted(docs["source_path"].to_list()) == [
        "000_0b339d3020d50040.txt",
        "001_e235f158d9148f5d.txt",
        "002_dc011476645fddff.txt",
        "003_d687500d7c2a08b1.txt",
        "004_7c9b3d24237c106f.txt",
        "latin1.txt",
    ]
    latin = docs.filter(pl.col("source_path") == "latin1.txt").row(0, named=True)
    assert latin["text"] == LATIN1_TEXT
    assert latin["encoding"] == "windows-1252"
    assert latin["encoding_source"] == "detected"

    # Lengths are in code points: they agree with Python's own string length.
    sizes = {p.name: p.stat().st_size for p in (output.parent / "input").iterdir()}
    for row in docs.iter_rows(named=True):
        assert row["n_chars"] == len(row["text"])
        assert row["n_words"] == len(row["text"].split())
        assert row["source_bytes"] == sizes[row["source_path"]]
    assert docs["doc_id"].n_unique() == 6
    assert docs["content_hash"].str.len_chars().to_list() == [32] * 6
    seed = docs.filter(pl.col("source_path").str.starts_with("000")).row(0, named=True)["text"]
    assert "“The situation is spinning out of control." in seed
    assert not seed.endswith("More In: International | News")


def test_metadata_columns_in_polars(output):
    docs = pl.read_parquet(output / "documents.parquet")
    assert docs.schema["published"] == pl.Datetime("us", "UTC")
    bbc = docs.filter(pl.col("source_path").str.starts_with("003")).row(0, named=True)
    assert bbc["title"] == "Kyrgyz protests hit second city"
    assert bbc["published"] == datetime(2005, 3, 21, 10, 14, tzinfo=timezone.utc)
    assert bbc["boilerplate_lines"] > 20
    assert bbc["removed_text"] is None  # only with --keep-removed
    sources = dict(docs.select("source_path", "attribution").rows())
    assert sources["002_dc011476645fddff.txt"] == "Reuters"
    assert sources["001_e235f158d9148f5d.txt"] == "Al Jazeera and agencies"


def test_duplicates_filter_in_polars(output):
    docs = pl.read_parquet(output / "documents.parquet")
    assert docs.schema["is_duplicate"] == pl.Boolean
    # The sample corpus has no duplicates: every document leads its own cluster.
    assert docs.filter(pl.col("is_duplicate")).height == 0
    assert (docs["dup_cluster"] == docs["doc_id"]).all()
    assert docs["duplicate_of"].null_count() == docs.height


def test_entities_join_documents_and_offsets_slice_python_strings(output):
    entities = pl.read_parquet(output / "entities.parquet")
    assert entities.columns[0] == "doc_id"
    docs = pl.read_parquet(output / "documents.parquet").select("doc_id", "text")
    joined = entities.join(docs, on="doc_id", how="left")
    assert joined["text_right"].null_count() == 0
    for row in joined.iter_rows(named=True):
        assert row["text_right"][row["start"] : row["end"]] == row["text"]
    osh = entities.filter((pl.col("label") == "LOC") & (pl.col("canonical") == "Osh"))
    assert osh.height > 0 and set(osh["geonames_id"]) == {1527534}
    # The nested column holds the same mentions.
    nested = pl.read_parquet(output / "documents.parquet").select("doc_id", "entities").explode("entities")
    assert nested.drop_nulls("entities").height == entities.height


def test_quarantine_in_both_clients(output):
    table = pq.read_table(output / "quarantine.parquet")
    assert table.schema.names == [
        "source_path", "stage", "reason", "detail", "source_bytes", "url", "source_offset"
    ]
    assert table.schema.field("source_bytes").type == pa.int64()
    rows = pl.read_parquet(output / "quarantine.parquet").sort("source_path")
    assert rows.select("source_path", "stage", "reason").rows() == [
        ("binary.txt", "decode", "binary"),
        ("empty.txt", "decode", "empty"),
        ("menu.txt", "boilerplate", "no_article"),
    ]


def test_manifest_counts_add_up(output):
    manifest = json.loads((output / "manifest.json").read_text())
    counts = manifest["counts"]
    # raw/NOTICE.md is not an input by its name: ignored, and counted as such.
    assert counts == {
        "read": 9,
        "kept": 6,
        "duplicates": 0,
        "quarantined": 3,
        "written": 6,
        "files_ignored": 1,
        "files_read": 9,
        "records_skipped": {},
        "records_truncated": 0,
    }
    assert counts["read"] == counts["kept"] + counts["duplicates"] + counts["quarantined"]
    assert manifest["quarantined_by_reason"] == {"binary": 1, "empty": 1, "no_article": 1}
    assert manifest["schema_version"] == 5
    assert [s["name"] for s in manifest["stages"]] == ["decode", "boilerplate", "language", "dedup", "entities", "link_people"]

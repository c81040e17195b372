"""A WARC file as Common Crawl writes it (a gzip member per record, written here with
warcio): each row's `source_path` and `source_offset` fetch its record again with
warcio, as a user checks a row against the crawl."""

import os
import subprocess
from io import BytesIO
from pathlib import Path

import pyarrow.parquet as pq
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep"))


def page(day):
    text = (f"Heavy rain flooded the streets of Osh on {day}, officials said, and more "
            "rain is expected across the south of Kyrgyzstan later this week. ") * 4
    return f"<html><head><title>Osh on {day}</title></head><body><article><p>{text}</p></article></body></html>"


def test_each_row_points_back_to_its_record(tmp_path):
    inputs = tmp_path / "input"
    inputs.mkdir()
    with open(inputs / "crawl.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i, day in enumerate(["Monday", "Tuesday", "Wednesday"]):
            uri = f"https://news.example/{i}"
            writer.write_record(writer.create_warc_record(uri, "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=BytesIO(page(day).encode()), http_headers=headers))
    run = subprocess.run([BINARY, "run", "--quiet", "--input", inputs, "--output", tmp_path / "output"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    rows = pq.read_table(tmp_path / "output" / "documents.parquet").to_pylist()
    assert len(rows) == 3
    for row in rows:
        with open(inputs / row["source_path"], "rb") as crawl:
            crawl.seek(row["source_offset"])
            record = next(iter(ArchiveIterator(crawl)))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Record-ID") == row["warc_record_id"]
        assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
        body = record.content_stream().read().decode()
        assert row["title"] in body
        assert row["format"] == "html" and row["warc_date"] is not None

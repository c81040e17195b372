"""The installed `newsprep` package (crates/python, python/newsprep) against the
command line: extract and Pipeline give what `newsprep run` writes for the same pages,
bad rows come back as rows with a reason, and WARC files stream in batches."""

import datetime
import doctest
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newsprep

REPO = Path(__file__).resolve().parents[2]
# Absolute: the CLI runs in a temp folder of its own (make passes a relative path).
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep")).resolve()
FIXTURES = REPO / "tests" / "fixtures" / "html"
PAGES = sorted(FIXTURES.glob("*.html.gz"))


def cli_run(input_dir, output_dir, *args):
    # Run from the temp dir: the CLI would read a pipeline.toml in the working folder.
    run = subprocess.run(
        [BINARY, "run", "--quiet", "--input", input_dir, "--output", output_dir, *args],
        capture_output=True,
        text=True,
        cwd=output_dir.parent,
    )
    assert run.returncode == 0, f"{run.args}\n{run.stderr}"
    return pq.read_table(output_dir / "documents.parquet")


@pytest.fixture(scope="module")
def pipeline_rows(tmp_path_factory):
    """The CLI's documents rows for each fixture page, each page run on its own so
    that no corpus-wide rule (recurring lines, duplicates) joins in."""
    rows = {}
    root = tmp_path_factory.mktemp("pages")
    for page in PAGES:
        folder = root / page.name.split(".")[0]
        (folder / "in").mkdir(parents=True)
        shutil.copy(page, folder / "in")
        table = cli_run(folder / "in", folder / "out")
        assert table.num_rows == 1, page
        rows[page.name] = table.to_pylist()[0]
    return rows


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_extract_gives_the_pipelines_row(page, pipeline_rows):
    doc = newsprep.extract(gzip.open(page).read())
    assert doc is not None
    expected = pipeline_rows[page.name]
    assert set(doc) == {
        "text", "title", "author", "published", "attribution", "site_name", "url",
        "canonical_url", "page_language", "language", "language_score",
    }
    for key, value in doc.items():
        assert value == expected[key], key
    assert doc["text"] and doc["title"]


def test_extract_keeps_removed_text_when_asked():
    page = gzip.open(FIXTURES / "cbsnews.html.gz").read()
    plain = newsprep.extract(page)
    kept = newsprep.extract(page, keep_removed=True)
    assert "removed_text" not in plain and "removed_rules" not in plain
    assert kept["removed_text"] and kept["text"] == plain["text"]
    # One rule for each removed line, from the set docs/schema.md names.
    assert len(kept["removed_rules"]) == len(kept["removed_text"].split("\n"))
    assert set(kept["removed_rules"]) <= {
        "page_chrome", "headline", "recurring", "repeated", "chrome", "between_chrome",
        "short_run", "comments", "outside_core", "metadata",
    }


def test_extract_of_a_page_without_article_is_none():
    assert newsprep.extract(b"") is None
    assert newsprep.extract("<html><body><nav><a href=/>Home</a></nav></body></html>") is None


def test_extract_of_a_str_ignores_a_declared_charset_and_takes_the_url():
    body = "<p>" + "Le café du village ouvre très tôt chaque matin de la semaine. " * 8 + "</p>"
    page = f"<html><head><meta charset=iso-8859-1><title>Café</title></head><body>{body}</body></html>"
    doc = newsprep.extract(page, url="https://example.org/cafe")
    assert doc["title"] == "Café"
    assert "café du village" in doc["text"]
    assert doc["url"] == "https://example.org/cafe"


def test_extract_published_is_a_utc_datetime():
    doc = newsprep.extract(gzip.open(FIXTURES / "cbsnews.html.gz").read())
    assert isinstance(doc["published"], datetime.datetime)
    assert doc["published"].utcoffset() == datetime.timedelta(0)


def test_process_gives_one_row_per_row_with_a_reason_for_the_bad_ones(pipeline_rows):
    good = FIXTURES / "latimes.html.gz"
    batch = pa.record_batch(
        {
            "source_path": ["empty.html", "latimes.html.gz", "blob.bin", "broken.html", "gz.txt.gz", "cbs.html"],
            "content": [
                b"",
                good.read_bytes(),
                bytes(range(256)) * 4,
                b"<html><body><div><p>unclosed <b><i>markup",
                b"not gzip at all",
                gzip.open(FIXTURES / "cbsnews.html.gz").read(),
            ],
        }
    )
    out = newsprep.Pipeline().process(batch)
    assert isinstance(out, pa.RecordBatch)
    assert out.num_rows == batch.num_rows
    rows = out.to_pylist()
    assert [r["source_path"] for r in rows] == batch.column("source_path").to_pylist()
    reasons = [(r["stage"], r["reason"]) for r in rows]
    assert reasons == [
        ("decode", "empty"),
        (None, None),
        ("decode", "binary"),
        ("decode", "no_article"),
        ("decode", "bad_compression"),
        (None, None),
    ]
    for row in rows:
        assert (row["text"] is None) == (row["reason"] is not None)
        assert (row["detail"] is None) == (row["reason"] is None)
        assert row["doc_id"] and row["source_bytes"] is not None
    # The good row is the CLI's row for the same file, to the entities.
    expected = pipeline_rows["latimes.html.gz"]
    got = rows[1]
    for name in expected:
        assert got[name] == expected[name], name
    # Documents columns are the export crate's, in its order, then the three reasons.
    assert out.schema.names[-3:] == ["stage", "reason", "detail"]
    assert out.schema.names[:-3] == list(expected)


def test_process_passes_container_columns_through():
    page = gzip.open(FIXTURES / "techcrunch.html.gz").read()
    when = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
    batch = pa.record_batch(
        {
            "source_path": pa.array(["crawl.html", "crawl.html"], pa.large_string()),
            "content": pa.array([page, b""], pa.large_binary()),
            "url": ["https://example.org/a", "https://example.org/b"],
            "warc_record_id": ["<urn:uuid:1>", "<urn:uuid:2>"],
            "warc_date": pa.array([when, when], pa.timestamp("us", tz="UTC")),
            "source_offset": pa.array([0, 1234], pa.int64()),
        }
    )
    rows = newsprep.Pipeline().process(batch).to_pylist()
    assert [r["url"] for r in rows] == ["https://example.org/a", "https://example.org/b"]
    assert [r["warc_record_id"] for r in rows] == ["<urn:uuid:1>", "<urn:uuid:2>"]
    assert [r["source_offset"] for r in rows] == [0, 1234]
    assert rows[0]["warc_date"] == when and rows[0]["text"]
    assert rows[1]["reason"] == "empty"


def test_process_of_a_table_is_a_table_and_a_missing_column_is_an_error():
    table = pa.table({"source_path": ["a.txt", "b.txt"], "content": [b"One line of text here.", b""]})
    out = newsprep.Pipeline().process(table)
    assert isinstance(out, pa.Table) and out.num_rows == 2
    with pytest.raises(ValueError, match="content"):
        newsprep.Pipeline().process(pa.table({"source_path": ["a.txt"]}))


def test_a_config_file_chooses_the_stages(tmp_path):
    config = tmp_path / "pipeline.toml"
    config.write_text("[entities]\nenabled = false\n[dedup]\nenabled = false\n")
    assert newsprep.Pipeline(config).stages == ["boilerplate", "language"]
    with pytest.raises(ValueError, match="pipeline.toml"):
        newsprep.Pipeline(tmp_path / "missing" / "pipeline.toml")


def write_warc(path, pages):
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for i, page in enumerate(pages):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://example.org/{i}", "response", payload=io.BytesIO(page), http_headers=headers
            )
            writer.write_record(record)


def test_process_file_streams_a_warc_file_in_batches_as_the_cli_reads_it(tmp_path):
    pages = [gzip.open(p).read() for p in PAGES]
    # Thousands of records, each page many times over: the file is read in batches.
    n = 1200
    (tmp_path / "in").mkdir()
    warc = tmp_path / "in" / "crawl.warc.gz"
    write_warc(warc, [pages[i % len(pages)] + f"<!-- {i} -->".encode() for i in range(n)])
    batches = list(newsprep.Pipeline().process_file(warc, batch_rows=500))
    assert [b.num_rows for b in batches] == [500, 500, 200]
    got = pa.Table.from_batches(batches)
    assert got.column("url").to_pylist() == [f"https://example.org/{i}" for i in range(n)]
    # The first pages, against the CLI on a WARC file of the same records with every
    # corpus stage off (Pipeline applies only what each page tells on its own).
    small = tmp_path / "small"
    small.mkdir()
    write_warc(small / "crawl.warc.gz", [pages[i] + f"<!-- {i} -->".encode() for i in range(len(pages))])
    config = tmp_path / "pipeline.toml"
    config.write_text("[boilerplate]\nmin_recurrence = 1000000\n[dedup]\nenabled = false\n[entities]\nlink_people = false\n")
    expected = cli_run(small, tmp_path / "out", "--config", config).to_pylist()
    ours = pa.Table.from_batches(
        newsprep.Pipeline(config).process_file(small / "crawl.warc.gz")
    ).to_pylist()
    kept = [r for r in ours if r["reason"] is None]
    assert len(kept) == len(expected)
    for mine, theirs in zip(kept, expected):
        for name in theirs:
            assert mine[name] == theirs[name], name


def test_process_file_reads_a_file_object(tmp_path):
    page = FIXTURES / "sportsnet.html.gz"
    with open(page, "rb") as f:
        from_object = pa.Table.from_batches(newsprep.Pipeline().process_file(f, source_path=page.name))
    from_path = pa.Table.from_batches(newsprep.Pipeline().process_file(page))
    assert from_object.num_rows == 1
    assert from_object.equals(from_path)
    assert from_object.column("text")[0].as_py()
    assert from_object.column("source_path").to_pylist() == [page.name]


class Trickle(io.RawIOBase):
    """A file object over bytes that hands over at most ``limit`` bytes a read, as
    bytearrays, and keeps the sizes it was asked for; it tells its size as pyarrow's
    files do when ``sized``."""

    def __init__(self, data, limit=4096, fail_at=None, sized=False):
        self._data = io.BytesIO(data)
        if sized:
            self.size = lambda: len(data)
        self._limit = limit
        self._fail_at = fail_at
        self.asked = []

    def readable(self):
        return True

    def read(self, n=-1):
        self.asked.append(n)
        if self._fail_at is not None and self._data.tell() >= self._fail_at:
            raise OSError("connection reset by peer")
        return bytearray(self._data.read(min(n, self._limit) if n >= 0 else self._limit))


def test_process_file_reads_a_warc_file_object_record_by_record_as_its_path(tmp_path):
    pages = [gzip.open(p).read() for p in PAGES]
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [pages[i % len(pages)] + f"<!-- {i} -->".encode() for i in range(300)])
    from_path = pa.Table.from_batches(newsprep.Pipeline().process_file(warc, batch_rows=100))
    stream = Trickle(warc.read_bytes())
    batches = list(newsprep.Pipeline().process_file(stream, source_path=warc.name, batch_rows=100))
    assert [b.num_rows for b in batches] == [100, 100, 100]
    assert pa.Table.from_batches(batches).equals(from_path)
    # Read in the chunks Rust asks for, never the whole file in one call.
    assert stream.asked and max(stream.asked) < warc.stat().st_size // 10
    # pyarrow's own file objects (as its S3 file system opens them) read the same.
    with pa.OSFile(str(warc)) as f:
        from_arrow = pa.Table.from_batches(newsprep.Pipeline().process_file(f, source_path=warc.name, batch_rows=100))
    assert from_arrow.equals(from_path)


def test_a_warc_file_object_that_breaks_keeps_the_records_before_it(tmp_path):
    pages = [gzip.open(p).read() for p in PAGES]
    warc = tmp_path / "crawl.warc"
    write_warc(warc, pages)
    data = warc.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - 300])
    from_path = pa.Table.from_batches(newsprep.Pipeline().process_file(cut))
    stream = Trickle(cut.read_bytes(), sized=True)
    from_stream = pa.Table.from_batches(newsprep.Pipeline().process_file(stream, source_path=cut.name))
    assert from_stream.equals(from_path)
    # The broken record's row says how big the file is when the file object can tell.
    assert from_stream.column("source_bytes").to_pylist()[-1] == cut.stat().st_size
    assert from_stream.column("reason").to_pylist()[-1] == "bad_warc"
    # A read that raises is the last row's reason, with the Python error's message.
    failing = Trickle(data, fail_at=len(data) // 2)
    rows = pa.Table.from_batches(newsprep.Pipeline().process_file(failing, source_path=warc.name)).to_pylist()
    assert 0 < len(rows) < len(pages) + 1
    assert rows[-1]["reason"] == "bad_warc"
    assert "connection reset by peer" in rows[-1]["detail"]
    assert all(r["reason"] is None for r in rows[:-1])


def test_import_does_not_import_ray():
    run = subprocess.run(
        [sys.executable, "-c", "import sys, newsprep; assert 'ray' not in sys.modules, 'ray'"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def test_docstring_examples_run():
    # The examples name fixtures by their path in the repository.
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        failed, attempted = doctest.testmod(newsprep)
    finally:
        os.chdir(cwd)
    assert attempted >= 4 and failed == 0


def corpus_files():
    """Pages, text dumps, and dumps of one site sharing its chrome lines, which only
    the corpus-wide rule removes; one unreadable file."""
    files = {p.name: p.read_bytes() for p in PAGES}
    files.update({f"raw/{p.name}": p.read_bytes() for p in sorted((REPO / "raw").glob("*.txt"))})
    chrome = "Home | World | Politics | Business | Sport\nSign up for the Morning Brief newsletter today\n\n"
    topics = ["the harbour bridge", "the school budget", "the new tram line", "the river clean-up", "the city library"]
    for i, topic in enumerate(topics):
        body = " ".join(
            f"Council members met on day {d} to discuss {topic}, and residents asked about the cost of {topic} in detail."
            for d in range(i + 3, i + 12)
        )
        files[f"site/{i}.txt"] = (chrome + body + "\n\nJohn Smith, the mayor, spoke last. Smith said the plan would go ahead.\n").encode()
    files["site/empty.txt"] = b""
    return dict(sorted(files.items()))


def test_observe_and_apply_give_what_the_cli_gives_on_a_corpus(tmp_path):
    files = corpus_files()
    for name, content in files.items():
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_bytes(content)
    config = tmp_path / "pipeline.toml"
    config.write_text("[dedup]\nenabled = false\n")
    expected = cli_run(tmp_path / "in", tmp_path / "out", "--config", config).to_pylist()
    quarantined = pq.read_table(tmp_path / "out" / "quarantine.parquet").to_pylist()

    p = newsprep.Pipeline(config)
    assert p.stages == ["boilerplate", "language", "entities", "link_people"]
    batch = pa.table({"source_path": list(files), "content": list(files.values())})
    docs = p.process(batch, until="boilerplate")
    lines = p.decide("boilerplate", p.observe("boilerplate", docs))
    assert max(lines.column("documents").to_pylist()) == 5
    docs = p.apply("boilerplate", docs, lines, until="link_people")
    names = p.decide("link_people", p.observe("link_people", docs))
    docs = p.apply("link_people", docs, names)
    rows = docs.to_pylist()
    assert len(rows) == len(files)

    kept = [r for r in rows if r["reason"] is None]
    assert [r["source_path"] for r in kept] == [r["source_path"] for r in expected]
    for mine, theirs in zip(kept, expected):
        for name in theirs:
            assert mine[name] == theirs[name], (mine["source_path"], name)
    turned_away = [(r["source_path"], r["stage"], r["reason"], r["detail"]) for r in rows if r["reason"]]
    assert turned_away == [(q["source_path"], q["stage"], q["reason"], q["detail"]) for q in quarantined]

    # Without the corpus's decisions some documents come out otherwise: the steps
    # above carry them.
    alone = {r["source_path"]: r for r in newsprep.Pipeline(config).process(batch).to_pylist()}
    assert any(r != alone[r["source_path"]] for r in kept)


def test_observe_and_apply_refuse_a_stage_without_them():
    p = newsprep.Pipeline()
    docs = p.process(pa.record_batch({"source_path": ["a.txt"], "content": [b"Some text of a page. " * 20]}))
    # A per-document stage has nothing to observe (dedup's are newsprep.ray's).
    with pytest.raises(ValueError, match="language"):
        p.observe("language", docs)
    with pytest.raises(ValueError, match="no stage"):
        p.observe("nothing", docs)
    # Apply runs the stages after the one it applies: an `until` at or before that
    # stage is refused alike for the linker's apply and for dedup's.
    names = pa.record_batch({"name": pa.array([], pa.string()), "documents": pa.array([], pa.int64())})
    with pytest.raises(ValueError, match="does not come after"):
        p.apply("link_people", docs, names, until="boilerplate")
    placed = pa.record_batch(
        {
            "doc_id": pa.array([], pa.string()),
            "cluster": pa.array([], pa.string()),
            "duplicate_of": pa.array([], pa.string()),
            "similarity": pa.array([], pa.float64()),
        }
    )
    with pytest.raises(ValueError, match="does not come after"):
        p.apply("dedup", docs, placed, until="boilerplate")


def run_cli(*args, cwd):
    return subprocess.run([BINARY, "run", "--quiet", *args], capture_output=True, text=True, cwd=cwd)


def without_times(manifest):
    """The manifest but what a clock says (times, durations, rates)."""
    if isinstance(manifest, dict):
        return {
            k: without_times(v)
            for k, v in manifest.items()
            if not any(word in k for word in ("_at", "_ms", "serial_share"))
        }
    if isinstance(manifest, list):
        return [without_times(v) for v in manifest]
    return manifest


def test_run_writes_the_clis_tables_byte_for_byte(tmp_path):
    inputs = tmp_path / "in"
    for name, content in corpus_files().items():
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_bytes(content)
    out = tmp_path / "out"
    done = run_cli("--input", inputs, "--output", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shutil.copytree(out, tmp_path / "cli")
    cwd = os.getcwd()
    os.chdir(tmp_path)  # as the CLI: no pipeline.toml here, so the defaults
    try:
        manifest = newsprep.run(inputs, out)
    finally:
        os.chdir(cwd)
    tables = sorted(p.name for p in out.glob("*.parquet"))
    assert tables == ["documents.parquet", "entities.parquet", "quarantine.parquet"]
    for table in tables:
        assert (out / table).read_bytes() == (tmp_path / "cli" / table).read_bytes(), table
    cli_manifest = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    assert manifest == json.loads((out / "manifest.json").read_text())
    assert without_times(manifest) == without_times(cli_manifest)
    assert manifest["counts"]["files_read"] == len(corpus_files())


def cli_message(stderr):
    return stderr.strip().splitlines()[-1]


def test_each_refusal_raises_its_exception_with_the_clis_message(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("A line of text about the council and its budget for the year.\n")
    cases = [
        # The output folder holds the input: exit 2.
        (newsprep.UsageError, 2, inputs, inputs / "out"),
        # A folder nobody may write in, even root: exit 1.
        (newsprep.RunError, 1, inputs, Path("/proc/newsprep-test-output")),
    ]
    for error, code, input_dir, output in cases:
        done = run_cli("--input", input_dir, "--output", output, cwd=tmp_path)
        assert done.returncode == code, done.stderr
        with pytest.raises(error) as caught:
            newsprep.run(input_dir, output)
        assert str(caught.value) and str(caught.value) in done.stderr
    # Another live process (this one) holds the output's lock: exit 3.
    out = tmp_path / "locked"
    lock = tmp_path / ".locked.lock"
    lock.write_text(f"pid={os.getpid()}\nstarted=2026-01-01T00:00:00Z\n")
    done = run_cli("--input", inputs, "--output", out, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    with pytest.raises(newsprep.LockedError) as caught:
        newsprep.run(inputs, out)
    # The CLI logs this one with structured fields (lock=, holder=), the library's
    # message says the same in one sentence.
    for fact in ["another run is writing to this output folder", str(lock), f"pid={os.getpid()}"]:
        assert fact in done.stderr.lower() and fact in str(caught.value).lower(), fact
    assert not out.exists()
    with pytest.raises(newsprep.UsageError, match="missing.toml"):
        newsprep.run(inputs, tmp_path / "x", config=tmp_path / "missing.toml")
    with pytest.raises(newsprep.UsageError, match="shard"):
        newsprep.run(inputs, tmp_path / "x", shard="4/2")


def test_ctrl_c_stops_the_run_and_keeps_the_previous_output(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    dumps = [p.read_text() for p in sorted((REPO / "raw").glob("*.txt"))]
    (inputs / "first.txt").write_text(dumps[0])
    out = tmp_path / "out"
    newsprep.run(inputs, out)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and out in p.parents}
    # A corpus that takes a debug build well over a second.
    for i in range(3000):
        (inputs / f"{i:05}.txt").write_text(dumps[i % len(dumps)].replace(" the ", f" the {i} ", 3))
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            newsprep.run(inputs, out)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 60
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and out in p.parents}
    assert after == before
    # Nothing left beside the output either: no staging folder, no lock.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]

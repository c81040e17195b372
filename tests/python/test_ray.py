"""newsprep.ray against the CLI: on a corpus with exact and near duplicates across files
that land in different tasks, recurring boilerplate lines, HTML pages, a WARC file and
bad inputs, a Ray run writes the tables `newsprep run` writes (row order and file split
aside), from local paths and from a local S3 server alike; the corpus steps run as
group-bys over more than one block; a killed worker is retried without a document
twice; a failed run leaves nothing; the CLI's refusals of an output hold.

One local Ray for the module, 2 CPUs, usage statistics off.
"""

import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pyarrow as pa
import pyarrow.compute  # noqa: F401 - pa.compute
import pyarrow.parquet as pq
import pytest

ray = pytest.importorskip("ray")
newsprep = pytest.importorskip("newsprep")
pytest.importorskip("newsprep._newsprep")

from s3_server import s3_server  # noqa: E402

import newsprep.ray  # noqa: E402
from newsprep.ray import pipeline, storage  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NEWSPREP_BIN", REPO / "target" / "debug" / "newsprep"))
TABLES = ("documents", "entities", "quarantine")


# ---------------------------------------------------------------------------------
# The corpus


STORY = (
    "The city council of Riverton voted on Tuesday to rebuild the old stone bridge over "
    "the Mill river, after engineers found cracks in two of its arches last spring. "
    "Mayor Helen Okafor said the work would start in March and take about a year. "
    "Traffic will move to a temporary bridge downstream while the old one is closed. "
    "Shop owners on Bridge Street said they feared a year of lost customers, and the "
    "council promised a fund of two million dollars to help them through the works. "
)
CHROME = [
    "Subscribe to our newsletter",
    "Follow us on social media",
    "Copyright Riverton Gazette. All rights reserved.",
]


def article(n):
    return (
        f"Story number {n} from the Riverton Gazette about the weather and the harvest. "
        f"Farmers near Riverton said the rain in week {n} came late but the wheat held up, "
        f"and prices at the market rose by {n} cents a bushel as buyers came from the coast. "
    ) * 3


def with_chrome(body):
    return "\n".join(CHROME[:2] + ["", body, ""] + CHROME[2:]) + "\n"


def warc_page(title, text):
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1><p>{text}</p></article></body></html>"
    )


def make_corpus(root: Path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    root.mkdir(parents=True)
    (root / "gazette").mkdir()
    for n in range(6):
        (root / "gazette" / f"{n:03d}.txt").write_text(with_chrome(article(n)))
    # Exact duplicates in different folders (and so different read tasks).
    (root / "a-bridge.txt").write_text(STORY)
    (root / "z-wire").mkdir()
    (root / "z-wire" / "bridge-copy.txt").write_text(STORY)
    # A near duplicate: the story with one more sentence, compressed.
    near = STORY + "Work on the new bridge will be paid for by the state. "
    with gzip.open(root / "z-wire" / "bridge-longer.txt.gz", "wt") as f:
        f.write(near)
    # HTML pages as the benchmark has them.
    for name in ("cbsnews.html.gz", "latimes.html.gz"):
        shutil.copy(REPO / "tests" / "fixtures" / "html" / name, root / name)
    # A WARC file: requests and responses, one response the story again, one marked
    # truncated by the crawler.
    with open(root / "crawl.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        pages = [("Bridge vote", STORY), ("Harvest", article(40)), ("Market", article(41))]
        for i, (title, text) in enumerate(pages):
            uri = f"https://gazette.example/{i}"
            writer.write_record(
                writer.create_warc_record(uri, "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            )
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=BytesIO(warc_page(title, text).encode()),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Truncated": "length"} if title == "Market" else None,
                )
            )
    # Bad inputs: empty, binary, a broken gzip, too short to keep; and a non-input.
    (root / "bad").mkdir()
    (root / "bad" / "empty.txt").write_bytes(b"")
    (root / "bad" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "bad" / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    (root / "bad" / "short.txt").write_text("Too short.\n")
    (root / "README.md").write_text("not an input\n")
    # A link leading outside the input: refused by the walk, quarantined.
    outside = root.parent / "outside.txt"
    outside.write_text(STORY)
    os.symlink(outside, root / "bad" / "elsewhere.txt")
    return root


# ---------------------------------------------------------------------------------
# Fixtures: one S3 server and one Ray for the module


@pytest.fixture(scope="module")
def s3():
    with s3_server() as server:
        server.create_bucket("news")
        yield server


@pytest.fixture(scope="module")
def ray_session(s3, tmp_path_factory):
    marker = tmp_path_factory.mktemp("inject") / "fail"
    # Set before Ray starts, so that its workers see it (and the S3 endpoint).
    os.environ[pipeline.INJECT_FAILURE_ENV] = str(marker)
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    # Small read tasks, so that the duplicates land in different tasks and blocks.
    saved = pipeline._TASK_FILES
    pipeline._TASK_FILES = 3
    yield marker
    pipeline._TASK_FILES = saved
    ray.shutdown()
    os.environ.pop(pipeline.INJECT_FAILURE_ENV, None)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus") / "raw")


@pytest.fixture(scope="module")
def cli_output(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "processed"
    done = subprocess.run(
        [BINARY, "run", "--quiet", "--input", corpus, "--output", out], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def ray_run(ray_session, corpus, tmp_path_factory):
    """The local run, with one read task's worker killed on the way."""
    ray_session.write_text("exit")
    out = tmp_path_factory.mktemp("ray") / "processed"
    manifest = newsprep.ray.run(corpus, out)
    return out, manifest, pipeline.last_stats()


def read_tables(folder: Path):
    tables = {}
    for name in TABLES:
        files = sorted(glob.glob(str(folder / f"{name}*.parquet")))
        assert files, f"no {name} table in {folder}: {sorted(os.listdir(folder))}"
        for f in files:
            assert storage.is_table_file(os.path.basename(f), name), f
        tables[name] = pa.concat_tables([pq.read_table(f) for f in files])
    return tables


def canonical(table: pa.Table) -> list:
    """Rows in a stable order, whatever order and files they came in."""
    rows = table.to_pylist()
    return sorted(rows, key=lambda r: repr(sorted(r.items(), key=lambda kv: kv[0])))


def assert_same_tables(ours: dict, theirs: dict):
    for name in TABLES:
        assert ours[name].schema.remove_metadata() == theirs[name].schema.remove_metadata(), name
        a, b = canonical(ours[name]), canonical(theirs[name])
        assert len(a) == len(b), (name, len(a), len(b))
        for x, y in zip(a, b):
            assert x == y, (name, x.get("source_path"), {k: (x[k], y[k]) for k in x if x[k] != y[k]})


# ---------------------------------------------------------------------------------
# The same result as the CLI


def test_ray_writes_what_the_cli_writes(cli_output, ray_run):
    out, manifest, stats = ray_run
    ours, theirs = read_tables(out), read_tables(cli_output)
    assert_same_tables(ours, theirs)
    # Dedup's decided tables went to the documents (a broadcast), not the documents
    # through a shuffle.
    assert "_apply_placed" in stats["dedup"] and "_shingles_of_wanted" in stats["dedup"]
    assert "JoinShuffleMapLeft(keys=('doc_id',)" not in stats["dedup"]
    # The corpus exercised what it is meant to: duplicates found, boilerplate lines
    # removed by recurrence, bad inputs quarantined, WARC records read.
    docs = theirs["documents"].to_pylist()
    assert sum(1 for d in docs if d["is_duplicate"]) >= 2
    assert any(d["source_path"] == "crawl.warc.gz" for d in docs)
    assert not any(CHROME[0] in d["text"] for d in docs if d["source_path"].startswith("gazette/"))
    assert theirs["quarantine"].num_rows >= 3
    assert "outside_input" in theirs["quarantine"].column("reason").to_pylist()
    cli = __import__("json").loads((cli_output / "manifest.json").read_text())
    for key in ("read", "kept", "duplicates", "quarantined", "written", "files_ignored",
                "records_skipped", "records_truncated"):
        assert manifest["counts"][key] == cli["counts"][key], key
    assert cli["counts"]["records_skipped"] == {"request": 3} and cli["counts"]["records_truncated"] == 1
    assert manifest["quarantined_by_reason"] == cli["quarantined_by_reason"]
    assert manifest["mentions_by_label"] == cli["mentions_by_label"]


def test_the_output_has_the_cli_names_and_the_report_reads_it(ray_run):
    out, _, _ = ray_run
    names = sorted(os.listdir(out))
    assert names[-1] == "quarantine.parquet" or any(n.startswith("quarantine") for n in names)
    assert "manifest.json" in names
    assert all(storage._is_output_entry(n, (out / n).is_dir()) for n in names), names
    assert not [p for p in os.listdir(out.parent) if "newsprep-tmp" in p]
    report = subprocess.run([BINARY, "report", out], capture_output=True, text=True)
    assert report.returncode == 0, report.stderr


def test_an_output_holding_the_report_page_is_newsprep_s_as_for_the_cli(ray_run, corpus, tmp_path):
    # `newsprep report OUT --html OUT/report.html` and a report killed while writing
    # leave names the CLI owns; the next Ray run into OUT must not refuse them.
    out = tmp_path / "processed"
    shutil.copytree(ray_run[0], out)
    page = subprocess.run([BINARY, "report", out, "--html", out / "report.html"], capture_output=True, text=True)
    assert page.returncode == 0, page.stderr
    (out / ".report.html.partial").write_text("half a page")
    storage.check_output(storage.resolve(out), storage.list_inputs(corpus))
    (out / "notes.html").write_text("mine")
    with pytest.raises(storage.OutputRefused):
        storage.check_output(storage.resolve(out), storage.list_inputs(corpus))


def test_a_killed_worker_is_retried_and_each_document_is_written_once(ray_session, cli_output, ray_run):
    out, _, _ = ray_run
    # The marker was taken: a read task's worker died, and Ray ran the task again.
    assert not ray_session.exists()
    ids = read_tables(out)["documents"].column("doc_id").to_pylist()
    assert len(ids) == len(set(ids))
    assert len(ids) == read_tables(cli_output)["documents"].num_rows


def operators(stats: str) -> list:
    return [line for line in stats.splitlines() if line.startswith("Operator")]


def blocks_produced(line: str) -> int:
    found = re.search(r"(\d+) blocks produced", line)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize(
    "step,shuffle",
    [
        ("boilerplate", "key_columns=('line_hash',)"),
        ("dedup", "('band', 'hash')"),
        ("link_people", "key_columns=('name',)"),
    ],
)
def test_the_corpus_steps_run_as_group_bys_over_two_blocks(ray_run, step, shuffle):
    _, _, stats = ray_run
    ops = operators(stats[step])
    at = next(i for i, line in enumerate(ops) if shuffle in line)
    # The group-by is the engine's hash shuffle into two or more partitions, fed by
    # an operator that produced two or more blocks.
    assert re.search(r"(partitions|num_partitions)=([2-9]|\d\d)", ops[at]), ops[at]
    assert blocks_produced(ops[at - 1]) >= 2, ops[at - 1]


# ---------------------------------------------------------------------------------
# Object storage


def test_object_storage_in_and_out_gives_the_same_result(s3, ray_session, corpus, ray_run, tmp_path, monkeypatch):
    s3.upload(corpus, "s3://news/raw")
    # This run joins the documents with dedup's decided tables instead of
    # broadcasting them (as past BROADCAST_ROWS rows): both ways give the same tables.
    monkeypatch.setattr(pipeline, "BROADCAST_ROWS", 0)
    manifest = newsprep.ray.run("s3://news/raw", "s3://news/processed")
    stats = pipeline.last_stats()["dedup"]
    assert "JoinShuffleMapLeft(keys=('doc_id',)" in stats and "_apply_dedup" in stats
    keys = s3.keys("s3://news/processed")
    assert "manifest.json" in keys and not [k for k in s3.keys("s3://news") if "newsprep-tmp" in k]
    local = tmp_path / "from-s3"
    local.mkdir()
    fs = s3.filesystem()
    for key in keys:
        with fs.open_input_stream(f"news/processed/{key}", compression=None) as src:
            (local / key).write_bytes(src.read())
    # The bucket has no link, so no row for the one leading outside the input.
    expected = read_tables(ray_run[0])
    reason = expected["quarantine"].column("reason")
    expected["quarantine"] = expected["quarantine"].filter(pa.compute.not_equal(reason, "outside_input"))
    assert_same_tables(read_tables(local), expected)
    counts = dict(ray_run[1]["counts"])
    for key in ("read", "files_read", "quarantined"):
        counts[key] -= 1
    assert manifest["counts"] == counts


def test_a_failed_run_leaves_no_output_locally_or_in_object_storage(s3, ray_session, corpus, tmp_path):
    out = tmp_path / "processed"
    ray_session.write_text("raise")
    with pytest.raises(Exception, match="injected failure"):
        newsprep.ray.run(corpus, out)
    assert not out.exists() and os.listdir(tmp_path) == []
    s3.upload(corpus, "s3://news/raw-again")
    ray_session.write_text("raise")
    with pytest.raises(Exception, match="injected failure"):
        newsprep.ray.run("s3://news/raw-again", "s3://news/failed")
    assert s3.keys("s3://news/failed") == []
    assert not [k for k in s3.keys("s3://news") if "newsprep-tmp" in k]


def test_a_failed_run_leaves_an_earlier_local_output_as_it_was(ray_session, corpus, ray_run, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(ray_run[0], out)
    before = {p: (out / p).read_bytes() for p in os.listdir(out)}
    ray_session.write_text("raise")
    with pytest.raises(Exception, match="injected failure"):
        newsprep.ray.run(corpus, out)
    assert {p: (out / p).read_bytes() for p in os.listdir(out)} == before
    assert sorted(os.listdir(tmp_path)) == ["processed"]


# ---------------------------------------------------------------------------------
# The CLI's refusals (before Ray is needed)


def cli_refusal(corpus: Path, output: Path) -> str:
    done = subprocess.run(
        [BINARY, "run", "--quiet", "--input", corpus, "--output", output], capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    return done.stderr


@pytest.mark.parametrize("case", ["is_input", "holds_input", "inside_input", "foreign_file", "a_file"])
def test_the_cli_refusals_of_an_output_hold_with_its_messages(case, tmp_path):
    corpus = tmp_path / "data" / "raw"
    corpus.mkdir(parents=True)
    (corpus / "a.txt").write_text(STORY)
    output = {
        "is_input": corpus,
        "holds_input": tmp_path / "data",
        "inside_input": corpus / "out",
        "foreign_file": tmp_path / "processed",
        "a_file": tmp_path / "processed.txt",
    }[case]
    if case == "foreign_file":
        output.mkdir()
        (output / "notes.md").write_text("mine\n")
    if case == "a_file":
        output.write_text("mine\n")
    expected = cli_refusal(corpus, output)
    with pytest.raises(storage.OutputRefused) as refused:
        newsprep.ray.run(str(corpus), str(output))
    assert str(refused.value) in expected
    # One except clause serves newsprep.run and newsprep.ray.run alike.
    assert isinstance(refused.value, newsprep.UsageError)
    assert (corpus / "a.txt").read_text() == STORY
    # The command line gives the exit code the CLI gives.
    done = subprocess.run(
        [sys.executable, "-m", "newsprep.ray", "--input", str(corpus), "--output", str(output)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and str(refused.value) in done.stderr


def test_a_bad_config_and_a_missing_input_are_usage_errors(tmp_path):
    config = tmp_path / "pipeline.toml"
    config.write_text("[dedup]\nno_such_setting = 1\n")
    (tmp_path / "raw").mkdir()
    with pytest.raises(storage.ConfigRefused, match="no_such_setting"):
        newsprep.ray.run(tmp_path / "raw", tmp_path / "out", config=config)
    with pytest.raises(storage.InputMissing, match="does not exist") as missing:
        newsprep.ray.run(tmp_path / "missing", tmp_path / "out")
    assert isinstance(missing.value, newsprep.UsageError)
    done = subprocess.run(
        [sys.executable, "-m", "newsprep.ray", "--input", str(tmp_path / "raw"), "--output",
         str(tmp_path / "out"), "--config", str(config)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "no_such_setting" in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_broadcast_index_finds_rows_by_document_id_and_by_exact_hash():
    ids = ["00000000000000ff", "0000000000000001", "ffffffffffffffff"]
    index = pipeline._Index(pa.array(ids))
    asked = pa.chunked_array([["0000000000000001", "0000000000000002"], ["ffffffffffffffff", "00000000000000ff"]])
    assert index.find(asked).to_pylist() == [1, None, 2, 0]
    assert pipeline._Index(pa.array([], pa.string())).find(pa.array(ids)).to_pylist() == [None] * 3
    # Exact hashes: 16 bytes, fixed or widened to variable-length binary by a join;
    # two sharing their first 8 bytes are still told apart.
    hashes = pa.array([b"a" * 16, b"b" * 16, b"a" * 8 + b"c" * 8], pa.binary(16))
    asked = pa.array([b"a" * 8 + b"c" * 8, b"z" * 16, b"a" * 16], pa.binary())
    assert pipeline._Index(hashes).find(asked).to_pylist() == [2, None, 0]
    assert pipeline._Index(hashes.slice(1)).find(hashes).to_pylist() == [None, 0, 1]

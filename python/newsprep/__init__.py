"""newsprep from Python: one page, a batch of pages over Arrow, or a whole run.

The work is done by the same Rust stages as the ``newsprep`` command line, in this
process, with the GIL released; Arrow data crosses without copies (the Arrow C data
interface). ``import newsprep`` imports pyarrow and nothing else (never ray).

>>> import gzip, newsprep
>>> page = gzip.open("tests/fixtures/html/cbsnews.html.gz").read()
>>> newsprep.extract(page)["title"] is not None
True
"""

from __future__ import annotations

import json
import os
from typing import Any, BinaryIO, Iterator, Optional, Union

import pyarrow as pa
import pyarrow.compute as pc

from newsprep import _newsprep
from newsprep._newsprep import LockedError, RunError, UsageError

__version__: str = _newsprep.__version__
__all__ = ["LockedError", "Pipeline", "RunError", "UsageError", "extract", "run"]

PathLike = Union[str, "os.PathLike[str]"]

def extract(
    html: Union[bytes, str], url: Optional[str] = None, keep_removed: bool = False
) -> Optional[dict[str, Any]]:
    """The article of one HTML page, or ``None`` when the page holds none.

    ``html`` is the page as fetched (``bytes``, in any encoding the page declares) or
    as text (``str``). The result is keyed by the documents table's column names
    (docs/schema.md): ``text``, ``title``, ``author`` (a list), ``published`` (a
    ``datetime`` in UTC, or ``None``), ``attribution``, ``site_name``, ``url``,
    ``canonical_url``, ``page_language``, ``language``, ``language_score``, and
    ``removed_text`` and ``removed_rules`` (the rule that dropped each of its lines)
    with ``keep_removed=True``. ``url`` is the address the page was
    fetched from; it overrides what the page says of itself, as a WARC record's does.

    The extraction and the per-document boilerplate rules are the pipeline's HTML path
    with the default settings. The corpus-wide rules need a corpus: lines recurring
    across a site's pages and duplicates are found by ``newsprep.run`` (or by the
    corpus stages' observe and apply, docs/python.md), never from one page.

    >>> import newsprep
    >>> page = "<html><head><title>Rain</title></head><body><article>" + "".join(
    ...     f"<p>It rained in the city for {n} days, and the river rose by {n} metres.</p>"
    ...     for n in range(2, 7)
    ... ) + "</article></body></html>"
    >>> doc = newsprep.extract(page)
    >>> doc["title"], doc["text"].count("river")
    ('Rain', 5)
    """
    if isinstance(html, str):
        # A byte-order mark outranks any charset the page declares: the text is
        # already decoded, so a meta tag naming another encoding must not apply.
        data = b"\xef\xbb\xbf" + html.encode("utf-8")
    else:
        data = bytes(html)
    batch = _newsprep.extract(data, url, keep_removed)
    if batch is None:
        return None
    row: dict[str, Any] = batch.to_pylist()[0]
    return row


def run(
    input: PathLike,
    output: PathLike,
    config: Optional[PathLike] = None,
    threads: Optional[int] = None,
    incremental: bool = False,
    shard: Optional[str] = None,
) -> dict[str, Any]:
    """``newsprep run --input INPUT --output OUTPUT``, in this process; the manifest.

    The same job as the command line: ``config`` is its ``--config`` (without it,
    ``./pipeline.toml`` when there is one, else the defaults), ``threads`` its
    ``--threads`` (one per core by default), ``incremental`` and ``shard`` (``"K/N"``)
    its ``--incremental`` and ``--shard``. The tables are the CLI's, byte for byte,
    and the returned dict is the ``manifest.json`` it writes.

    Every refusal of the CLI raises with the CLI's message: ``UsageError`` where it
    exits with 2 (bad options or configuration, an output folder that holds the
    input), ``LockedError`` where it exits with 3 (another run holds the output),
    ``RunError`` where it exits with 1. Ctrl-C stops the run as SIGINT stops the CLI:
    the previous output is left as it was, then ``KeyboardInterrupt`` is raised.

    >>> import newsprep, tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "out")
    >>> manifest = newsprep.run("raw", out, threads=1)
    >>> manifest["counts"]["files_read"] > 0, sorted(os.listdir(out))[:2]
    (True, ['_state', 'documents.parquet'])
    """
    manifest = _newsprep.run(
        os.fspath(input),
        os.fspath(output),
        None if config is None else os.fspath(config),
        threads,
        incremental,
        shard,
    )
    result: dict[str, Any] = json.loads(manifest)
    return result


class Pipeline:
    """The configured per-document stages, in this process, over Arrow.

    ``config`` is a ``pipeline.toml`` (the defaults when ``None``). The corpus stages
    (boilerplate's recurring lines, dedup, the people linker) apply their
    per-document rules only: what they decide from a whole corpus comes from
    ``newsprep.run``, or from their observe and apply steps (docs/python.md).

    >>> import pyarrow as pa, newsprep
    >>> batch = pa.table({"source_path": ["a.html", "b.txt"],
    ...                   "content": [b"<p>" + b"Words of an article here. " * 30 + b"</p>", b""]})
    >>> out = newsprep.Pipeline().process(batch)
    >>> out.num_rows, out.column("reason").to_pylist()
    (2, [None, 'empty'])
    """

    def __init__(self, config: Optional[PathLike] = None) -> None:
        self._inner = _newsprep.Pipeline(None if config is None else os.fspath(config))

    @property
    def stages(self) -> list[str]:
        """The stages after decode, in the order they run."""
        return list(self._inner.stages)

    def process(
        self, batch: Union[pa.RecordBatch, pa.Table], until: Optional[str] = None
    ) -> Union[pa.RecordBatch, pa.Table]:
        """One row out per row in, in order: the documents table's columns.

        ``batch`` has ``source_path`` (string) and ``content`` (binary: the file's
        bytes as on disk, ``.gz`` and ``.zst`` told by the name); ``url``,
        ``warc_record_id``, ``warc_date`` and ``source_offset`` pass through when
        given. A row a stage turned away has a null ``text`` and its ``stage``,
        ``reason`` and ``detail`` (the quarantine table's); a bad row never costs the
        batch. A ``Table`` gives a ``Table``, a ``RecordBatch`` a ``RecordBatch``.
        ``until`` names a stage to stop before (a corpus stage, whose observe and
        apply come next: docs/python.md).

        >>> import pyarrow as pa, newsprep
        >>> out = newsprep.Pipeline().process(pa.record_batch(
        ...     {"source_path": ["x.txt"], "content": [b"\\x00\\x01\\x02binary"]}))
        >>> out.column("reason")[0].as_py()
        'binary'
        """
        return _map(batch, lambda b: self._inner.process_batch(b, until))

    def observe(
        self, stage: str, documents: Union[pa.RecordBatch, pa.Table]
    ) -> Union[pa.RecordBatch, pa.Table]:
        """Each document's summary for the corpus stage ``stage``, one row per row.

        ``documents`` is what ``process(..., until=stage)`` gave. ``boilerplate`` gives
        ``line_hashes`` (the hashes of its chrome-shaped lines, each once),
        ``link_people`` gives ``names`` (the full names of people it mentions), beside
        ``doc_id``; a rejected row's summary is null.

        >>> import pyarrow as pa, newsprep
        >>> p = newsprep.Pipeline()
        >>> docs = p.process(pa.record_batch({"source_path": ["a.txt"],
        ...     "content": [b"Home | News | Sport" + bytes([10, 10]) + b"A sentence of the article. " * 20]}),
        ...     until="boilerplate")
        >>> len(p.observe("boilerplate", docs).column("line_hashes")[0]) > 0
        True
        """
        return _map(documents, lambda b: self._inner.observe(stage, b))

    def decide(self, stage: str, observed: Union[pa.RecordBatch, pa.Table]) -> pa.Table:
        """What the corpus decides from every document's summary: a group-by.

        For ``boilerplate``, ``line_hash`` and the ``documents`` that hold the line;
        for ``link_people``, ``name`` and the ``documents`` that give it. Summaries
        of several batches (or machines) are concatenated first; the decided tables
        of parts of a corpus add up by summing ``documents`` per key.

        >>> import pyarrow as pa, newsprep
        >>> observed = pa.table({"doc_id": ["a", "b"],
        ...     "line_hashes": pa.array([[1, 2], [2]], pa.list_(pa.uint64()))})
        >>> newsprep.Pipeline().decide("boilerplate", observed).sort_by("line_hash").to_pylist()
        [{'line_hash': 1, 'documents': 1}, {'line_hash': 2, 'documents': 2}]
        """
        summary, key, count = _newsprep.CORPUS_COLUMNS[stage]
        if isinstance(observed, pa.RecordBatch):
            observed = pa.Table.from_batches([observed])
        flat = pa.table({key: pc.list_flatten(observed.column(summary))})
        grouped = flat.group_by(key).aggregate([(key, "count")])
        return pa.table({key: grouped.column(key), count: grouped.column(f"{key}_count")})

    def apply(
        self,
        stage: str,
        documents: Union[pa.RecordBatch, pa.Table],
        decided: Union[pa.RecordBatch, pa.Table],
        until: Optional[str] = None,
    ) -> Union[pa.RecordBatch, pa.Table]:
        """The documents with the corpus stage ``stage`` applied under ``decided``
        (what ``decide`` gave for the whole corpus), then the stages after it up to
        ``until`` (all of them when ``None``). One row out per row in; rows rejected
        before pass through as they were.

        >>> import pyarrow as pa, newsprep
        >>> p = newsprep.Pipeline()
        >>> docs = p.process(pa.record_batch({"source_path": ["a.txt"],
        ...     "content": [b"A sentence of the article, long enough to keep. " * 20]}),
        ...     until="boilerplate")
        >>> decided = p.decide("boilerplate", p.observe("boilerplate", docs))
        >>> p.apply("boilerplate", docs, decided).num_rows
        1
        """
        decided_batch = _one_batch(decided)
        return _map(documents, lambda b: self._inner.apply(stage, b, decided_batch, until))

    def process_file(
        self,
        source: Union[PathLike, BinaryIO],
        source_path: Optional[str] = None,
        batch_rows: int = 256,
    ) -> Iterator[pa.RecordBatch]:
        """The documents of one input file, in batches of ``batch_rows``, as ``process``.

        ``source`` is a path (any format ``newsprep run`` reads: a page, a text dump,
        a WARC file of any size, plain or compressed), read as the runner reads it,
        a batch at a time and never whole. It may also be a binary file object (such
        as pyarrow's file systems open), read in chunks as Rust needs them: a WARC
        file record by record, any other file as its one document.
        ``source_path`` names the file in the output (by default its file name).

        >>> import newsprep
        >>> batches = newsprep.Pipeline().process_file("tests/fixtures/html/cbsnews.html.gz")
        >>> sum(b.num_rows for b in batches)
        1
        """
        if isinstance(source, (str, os.PathLike)):
            yield from self._inner.process_path(os.fspath(source), source_path, batch_rows)
            return
        name = source_path or os.path.basename(str(getattr(source, "name", "") or "input"))
        yield from self._inner.process_stream(source, name, _size_of(source), batch_rows)


def _size_of(source: BinaryIO) -> Optional[int]:
    """The size of the file behind a file object, when it can tell (pyarrow's files
    have ``size()``; an open file has a descriptor), for the rows of a rejected file."""
    size = getattr(source, "size", None)
    if callable(size):
        try:
            return int(size())
        except Exception:
            pass
    try:
        return os.fstat(source.fileno()).st_size
    except Exception:
        return None


def _map(data: Union[pa.RecordBatch, pa.Table], f: Any) -> Union[pa.RecordBatch, pa.Table]:
    """``f`` over a batch, or over each batch of a table (a table back)."""
    if isinstance(data, pa.Table):
        return pa.Table.from_batches([f(b) for b in data.to_batches()] or [f(_one_batch(data))])
    return f(data)


def _one_batch(data: Union[pa.RecordBatch, pa.Table]) -> pa.RecordBatch:
    if isinstance(data, pa.RecordBatch):
        return data
    batches = data.combine_chunks().to_batches()
    if batches:
        return batches[0]
    return pa.RecordBatch.from_pylist([], schema=data.schema)

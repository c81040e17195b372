"""The Ray Data program: read, the per-document stages as maps, each corpus stage as
the engine's group-bys and joins over what the step before observed (decide) and a
map (apply), then the tables written in parts and committed with the manifest last.

Row order and the split into files are the engine's; everything else equals what
``newsprep run`` writes on the same input and settings (tests/python/test_ray.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import socket
import tempfile
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import newsprep
from newsprep import _newsprep
from newsprep.ray import storage

# Summary and decision columns of the corpus steps, as the bindings name them.
_DOC_ID = "doc_id"
_CORPUS = dict(_newsprep.CORPUS_COLUMNS)
# Small files are read together, so that a task is not mostly start-up (every task of
# every later step costs the driver and the scheduler CPU the stages then lack): a
# task takes files until it holds this many bytes or files, or its share of the input
# when that is less, so that each CPU still gets a few tasks (a WARC file is always a
# task of its own).
_TASK_BYTES = 32 << 20
_TASK_FILES = 2048
_TASKS_PER_CPU = 4
# Rows per batch handed to the stages: what one call of the Rust stages gets.
_BATCH_ROWS = 2048
# What a corpus stage observes of each document rides beside the document from the
# step before, under this prefix: observing is a few percent of that step's work,
# and a step of its own would read every document once more.
_OBSERVED = "_observed_"
# Connected components of the confirmed duplicate pairs are found in one task, over
# the pairs only (never the documents): a run refuses to go on past this many pairs,
# whose union-find takes about 40 bytes a pair, so 1.6 GB at the bound.
MAX_PAIRS = 40_000_000
# A decided table of dedup of at most this many rows (the groups in a candidate pair,
# the groups of two or more, the candidate pairs, the components, the placements)
# travels whole to each task that applies it, a broadcast join: the documents stay
# where they are. A bigger one is joined by the engine instead, a shuffle (of the
# documents on doc_id for the pairs and the placements). At the bound a worker holds
# about 400 MB of it.
BROADCAST_ROWS = 5_000_000
# The engine's hash partitions per shuffle: at least two, so a group-by runs over
# more than one block even on a small corpus, and about two per CPU.
_MIN_PARTITIONS = 2
# Tests set this to a file path. The first read task that finds the file removes it
# and then, as the file says, kills its own worker process (`exit`: a lost node, which
# Ray retries) or raises (`raise`: a failure of the run, which Ray does not retry).
INJECT_FAILURE_ENV = "NEWSPREP_RAY_INJECT_FAILURE"


def run(
    input: Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]],
    output: Union[str, "os.PathLike[str]"],
    config: Optional[Union[str, "os.PathLike[str]"]] = None,
    num_cpus: Optional[int] = None,
) -> Dict[str, Any]:
    started = time.time()
    # Built on the driver first: a bad config is refused before Ray starts.
    try:
        config_text = None if config is None else open(os.fspath(config), "rb").read()
        pipeline = _pipeline(config_text)
    except (OSError, ValueError) as err:
        raise storage.ConfigRefused(f"cannot use the config {config}: {err}") from err
    described = json.loads(pipeline._inner.describe())
    listing = storage.list_inputs(input, described["config"]["decode"]["extensions"])
    destination = storage.resolve(output)
    storage.check_output(destination, listing)

    import ray

    cpus = _init_ray(num_cpus)
    partitions = max(_MIN_PARTITIONS, cpus)
    writer = storage.Output(destination)
    writer.open()
    tallies = None
    try:
        timings: List[Tuple[str, float]] = []
        clock = time.time()
        tallies = _WarcTallies.start(listing)
        docs = _read(listing, config_text, pipeline, tallies, cpus)
        corpus = [s for s in pipeline.stages if s in _CORPUS or s == "dedup"]
        docs = docs.materialize()
        timings.append(("read", time.time() - clock))
        stats: Dict[str, str] = {"read": docs.stats()}
        for i, stage in enumerate(corpus):
            clock = time.time()
            until = corpus[i + 1] if i + 1 < len(corpus) else None
            if stage == "dedup":
                docs, stage_stats = _dedup(docs, config_text, until, partitions, described)
            else:
                docs, stage_stats = _counted(docs, config_text, stage, until, partitions)
            if until is not None:
                docs = docs.materialize()
                stage_stats += docs.stats()
            # else the last stage's apply runs in the write's tasks (Ray Data fuses the
            # two maps): the documents are read once less.
            stats[stage] = stage_stats
            timings.append((stage, time.time() - clock))
        clock = time.time()
        parts, counts = _write(docs, config_text, writer, described, listing)
        timings.append(("write", time.time() - clock))
        finished = time.time()
        skipped, truncated = _WarcTallies.totals(tallies)
        counts["records_skipped"], counts["records_truncated"] = skipped, truncated
        manifest = _manifest(
            described, listing, destination, counts, corpus, timings, started, finished, cpus
        )
        writer.commit(parts, json.dumps(manifest, indent=2).encode())
    except BaseException:
        writer.abort()
        raise
    finally:
        _WarcTallies.stop(tallies)
    _LAST_STATS.clear()
    _LAST_STATS.update(stats)
    return manifest


# The execution statistics of the last run's steps, by step: what the tests read to
# see that the corpus steps ran as group-bys over several blocks.
_LAST_STATS: Dict[str, str] = {}


def last_stats() -> Dict[str, str]:
    """Ray Data's execution statistics of each step of the last run in this process."""
    return dict(_LAST_STATS)


# Ray's settings for the local Ray this program starts (a cluster's own are its
# operator's: deploy/rayjob.yaml sets the same). A user's RAY_ variable wins.
_SYSTEM_SETTINGS = {
    "num_workers_soft_limit": lambda cpus: 4 * cpus,
    "idle_worker_killing_time_threshold_ms": lambda cpus: 600_000,
}
# The stages spread a batch over rayon's threads, by default one a core of the
# machine, in each worker: with a task on every CPU that is CPUs squared threads. Two
# a task let one task's tail use a CPU the other left idle, and never more than the
# CPUs Ray is given (at 1 CPU, one).
_RAYON_THREADS = 2


def _init_ray(num_cpus: Optional[int]) -> int:
    import ray

    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init()
        else:
            cpus = num_cpus or int(os.environ.get("RAY_NUM_CPUS", "0")) or os.cpu_count() or 1
            # Ray keeps as many idle workers as CPUs and ends the others after a second
            # idle; Ray Data runs its shuffles' map and reduce tasks in workers of their
            # own (a runtime env each), so between steps workers were ended and started
            # again, each start importing pyarrow, ray and the stages (41 worker starts
            # and half the run's CPU on 100 MB at 2 CPUs). Idle workers are kept for the
            # run instead, a few per CPU.
            system = {
                name: value(cpus)
                for name, value in _SYSTEM_SETTINGS.items()
                if "RAY_" + name not in os.environ
            }
            rayon = os.environ.get("RAYON_NUM_THREADS") or str(min(_RAYON_THREADS, cpus))
            ray.init(
                num_cpus=cpus,
                include_dashboard=False,
                log_to_driver=False,
                _system_config=system,
                runtime_env={"env_vars": {"RAYON_NUM_THREADS": rayon}},
            )
    ctx = ray.data.DataContext.get_current()
    # Progress bars are for people at a terminal, not for a job's log.
    ctx.enable_progress_bars = False
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


# ---------------------------------------------------------------------------------
# Workers: one Pipeline per process and config, built on first use.

# The package's Pipeline; typed Any since the engine also calls its compiled half
# (`_inner`: process_path with `until`, dedup_shingles, tables, describe).
_PIPELINES: Dict[str, Any] = {}


def _pipeline(config_text: Optional[bytes]) -> Any:
    key = hashlib.sha256(config_text or b"").hexdigest()
    found = _PIPELINES.get(key)
    if found is None:
        if config_text is None:
            found = newsprep.Pipeline()
        else:
            # The config travels as its bytes: the driver's path need not exist on a
            # worker. Paths inside it (a gazetteer) are read where the worker runs.
            with tempfile.NamedTemporaryFile("wb", suffix=".toml", delete=False) as f:
                f.write(config_text)
            try:
                found = newsprep.Pipeline(f.name)
            finally:
                os.unlink(f.name)
        _PIPELINES[key] = found
    return found


# ---------------------------------------------------------------------------------
# Read: one task per file, or per group of small files.


def _tasks(listing: storage.Listing, cpus: int) -> List[Dict[str, Any]]:
    share = -(-len(listing.files) // (_TASKS_PER_CPU * cpus))
    most_files = max(1, min(_TASK_FILES, share))
    tasks: List[Dict[str, Any]] = []
    group: List[storage.InputFile] = []
    size = 0

    def flush() -> None:
        nonlocal group, size
        if group:
            tasks.append(
                {
                    "paths": [f.path for f in group],
                    "source_paths": [f.source_path for f in group],
                    "sizes": [f.size for f in group],
                }
            )
        group, size = [], 0

    for f in listing.files:
        if _is_warc(f.source_path):
            flush()
            group = [f]
            flush()
            continue
        if group and (size + f.size > _TASK_BYTES or len(group) >= most_files):
            flush()
        group.append(f)
        size += f.size
    flush()
    return tasks


def _is_warc(name: str) -> bool:
    lower = name.lower()
    for suffix in (".gz", ".zst"):
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
    return lower.endswith(".warc")


class _WarcTallies:
    """The WARC files' records that are no document, and those marked truncated, by
    file: each read task reports a file's once it is read through, under the file's
    name, so that a task Ray runs again replaces its report rather than adding to it.
    An actor of no CPU, started only when the input holds a WARC file."""

    def __init__(self) -> None:
        self.by_file: Dict[str, Tuple[Dict[str, int], int]] = {}

    def put(self, source_path: str, skipped: Dict[str, int], truncated: int) -> None:
        self.by_file[source_path] = (skipped, truncated)

    def get(self) -> List[Tuple[Dict[str, int], int]]:
        return list(self.by_file.values())

    @staticmethod
    def start(listing: storage.Listing) -> Any:
        import ray

        if not any(_is_warc(f.source_path) for f in listing.files):
            return None
        return ray.remote(num_cpus=0)(_WarcTallies).remote()

    @staticmethod
    def totals(actor: Any) -> Tuple[Dict[str, int], int]:
        import ray

        skipped: Dict[str, int] = {}
        truncated = 0
        if actor is None:
            return skipped, truncated
        for by_reason, n in ray.get(actor.get.remote()):
            for reason, count in by_reason.items():
                skipped[reason] = skipped.get(reason, 0) + count
            truncated += n
        return dict(sorted(skipped.items())), truncated

    @staticmethod
    def stop(actor: Any) -> None:
        """Ends the actor, whether the run succeeded or failed."""
        import ray

        if actor is not None:
            ray.kill(actor)


def _read(listing: storage.Listing, config_text, pipeline: newsprep.Pipeline, tallies, cpus: int):
    import ray

    tasks = _tasks(listing, cpus)
    until = next((s for s in pipeline.stages if s in _CORPUS or s == "dedup"), None)
    fs = listing.root.fs
    if not tasks:
        empty = pipeline.process(pa.table({"source_path": pa.array([], pa.string()),
                                            "content": pa.array([], pa.large_binary())}), until)
        return ray.data.from_arrow(_observed(pipeline, until, pa.Table.from_batches([empty])))
    files = ray.data.from_items(tasks, override_num_blocks=len(tasks))
    return files.map_batches(
        _read_files,  # type: ignore[arg-type]
        batch_size=1,
        batch_format="pyarrow",
        fn_kwargs={"fs": fs, "config_text": config_text, "until": until, "tallies": tallies},
    )


def _read_files(task: pa.Table, fs, config_text, until, tallies) -> Iterator[pa.Table]:
    _maybe_fail()
    pipeline = _pipeline(config_text)
    row = task.to_pylist()[0]
    names, contents = [], []
    for path, source_path in zip(row["paths"], row["source_paths"]):
        if _is_warc(source_path):
            yield from _read_warc(pipeline, fs, path, source_path, until, tallies)
            continue
        names.append(source_path)
        contents.append(_read_bytes(fs, path))
        if len(names) >= _BATCH_ROWS:
            yield _process(pipeline, names, contents, until)
            names, contents = [], []
    if names:
        yield _process(pipeline, names, contents, until)


def _process(pipeline, names, contents, until) -> pa.Table:
    batch = pa.record_batch(
        {"source_path": pa.array(names, pa.string()), "content": pa.array(contents, pa.large_binary())}
    )
    return _observed(pipeline, until, pa.Table.from_batches([pipeline.process(batch, until)]))


def _observed(pipeline, stage: Optional[str], docs: pa.Table) -> pa.Table:
    """The documents with what `stage` (the corpus stage they were processed up to)
    observes of each, in columns of their own beside them."""
    if stage is None:
        return docs
    observed = pipeline.observe(stage, docs)
    if observed.num_rows != docs.num_rows:
        raise RuntimeError(f"{stage} observed {observed.num_rows} rows of {docs.num_rows}")
    for name in observed.column_names:
        if name != _DOC_ID:
            docs = docs.append_column(_OBSERVED + name, observed.column(name))
    return docs


def _documents(docs: pa.Table) -> pa.Table:
    """The documents without what was observed of them."""
    return docs.drop_columns([n for n in docs.column_names if n.startswith(_OBSERVED)])


def _read_bytes(fs, path: str) -> bytes:
    with fs.open_input_stream(path, compression=None) as f:
        return f.read()


def _read_warc(pipeline, fs, path: str, source_path: str, until, tallies) -> Iterator[pa.Table]:
    # A WARC file is streamed by the Rust reader, a batch of records at a time. From
    # object storage it is copied to the worker's disk first, in chunks: the reader
    # wants a file, and memory holds one chunk, never the file.
    if isinstance(fs, pa.fs.LocalFileSystem):
        local, cleanup = path, None
    else:
        handle, local = tempfile.mkstemp(suffix="-" + posixpath.basename(path))
        cleanup = local
        with os.fdopen(handle, "wb") as out, fs.open_input_stream(path, compression=None) as src:
            while True:
                chunk = src.read(8 << 20)
                if not chunk:
                    break
                out.write(chunk)
    try:
        import ray

        batches = pipeline._inner.process_path(local, source_path, _BATCH_ROWS, until)
        for batch in batches:
            yield _observed(pipeline, until, pa.Table.from_batches([batch]))
        ray.get(tallies.put.remote(source_path, *batches.tallies()))
    finally:
        if cleanup:
            os.unlink(cleanup)


def _maybe_fail() -> None:
    marker = os.environ.get(INJECT_FAILURE_ENV)
    if not marker:
        return
    claimed = f"{marker}.{socket.gethostname()}.{os.getpid()}"
    try:
        os.rename(marker, claimed)
    except OSError:
        return
    with open(claimed) as f:
        how = f.read().strip()
    os.unlink(claimed)
    if how == "raise":
        raise RuntimeError("injected failure: a read task raised")
    os._exit(1)


# ---------------------------------------------------------------------------------
# Boilerplate's recurring lines and the people linker's names: a group-by count.


def _counted(docs, config_text, stage: str, until, partitions: int):
    """Decide (a group-by count over the keys the step before observed of each
    document, each once: what moves is one key per row, 8 bytes a line hash, a name's
    bytes), and apply with the counts handed to every apply task (a broadcast join:
    the table holds the corpus's distinct keys, not its documents)."""
    summary, key, count = _CORPUS[stage]
    keys = docs.map_batches(
        _observed_keys, batch_format="pyarrow", fn_kwargs={"summary": summary, "key": key}
    )
    # A line seen once counts as unseen (count 1 is the stage's default): only the
    # lines that recur need to travel to the apply tasks. Every name counts.
    minimum = 2 if stage == "boilerplate" else 1
    counts = keys.groupby(key, num_partitions=partitions).count().map_batches(
        _decided,
        batch_format="pyarrow",
        fn_kwargs={"key": key, "count": count, "minimum": minimum},
    )
    counts = counts.materialize()
    decided_stats = counts.stats()
    refs = counts.to_arrow_refs()
    applied = docs.map_batches(
        _apply_counted,
        batch_format="pyarrow",
        fn_kwargs={
            "config_text": config_text,
            "stage": stage,
            "until": until,
            "refs": refs,
            "key": key,
            "count": count,
        },
    )
    return applied, decided_stats


def _decided(counts: pa.Table, key, count, minimum) -> pa.Table:
    n = counts.column("count()").cast(pa.int64())
    keep = pc.greater_equal(n, minimum)
    return pa.table({key: counts.column(key).filter(keep), count: n.filter(keep)})


def _observed_keys(docs: pa.Table, summary, key) -> pa.Table:
    return pa.table({key: pc.list_flatten(docs.column(_OBSERVED + summary))})


_BROADCAST: Dict[str, Any] = {}


def _broadcast(refs, empty: pa.Table, derive=None) -> Any:
    """The table behind refs as one batch (or what `derive` makes of it), fetched and
    made once per worker process however many batches the worker applies it to;
    `empty` when the table has no rows."""
    import ray

    cache = ",".join(repr(r) for r in refs[:1]) + f"/{len(refs)}/{empty.schema}/{derive}"
    found = _BROADCAST.get(cache)
    if found is None:
        tables = [t for t in ray.get(list(refs)) if t.num_rows]
        found = _one_batch(pa.concat_tables(tables) if tables else empty)
        if derive is not None:
            found = derive(found)
        # A step's tables are done with when the next step starts: at most the two
        # of one step (the components, for the members and for the pairs) are held.
        if len(_BROADCAST) >= 2:
            _BROADCAST.clear()
        _BROADCAST[cache] = found
    return found


def _apply_counted(docs: pa.Table, config_text, stage, until, refs, key, count) -> pa.Table:
    empty = pa.table({key: pa.array([], _key_type(stage)), count: pa.array([], pa.int64())})
    decided = _broadcast(refs, empty)
    pipeline = _pipeline(config_text)
    return _observed(pipeline, until, pipeline.apply(stage, _documents(docs), decided, until))


def _key_type(stage: str) -> pa.DataType:
    return pa.uint64() if stage == "boilerplate" else pa.string()


# ---------------------------------------------------------------------------------
# Dedup: exact groups, band buckets, confirmed pairs, components, the keep rule.


def _dedup(docs, config_text, until, partitions: int, described):
    """Dedup as engine operations:

    1. signatures (a map over what the step before observed of each document): its
       exact hash, length, date, and its MinHash band hashes as rows.
    2. exact groups (group-by exact hash, Min and Count): each group is led by its
       smallest doc_id; the group's members are placed together, as the CLI places
       them.
    3. band buckets (group-by band index and band hash): the distinct exact hashes of
       each bucket; every two in a bucket make a candidate pair (equal texts share
       every band, so an exact group counts once), pairs deduplicated by a group-by.
    4. confirmation: the pairs' exact hashes become their groups' leaders, whose
       shingle sets are joined to the pairs; a pair is kept when its true Jaccard
       similarity reaches the threshold.
    5. components (one task over the confirmed pairs only, union-find, at most
       MAX_PAIRS pairs) and the keep rule per component (group-by component:
       longest, then earliest published, then doc_id, without chaining).
    6. apply (a map over the documents with the placements broadcast, or a join of
       the documents with them on doc_id past BROADCAST_ROWS placements).
    """
    from ray.data.aggregate import Count, Min, Unique

    threshold = float(described["config"]["dedup"]["threshold"])
    sig = docs.map_batches(_signatures, batch_format="pyarrow").materialize()
    groups = sig.groupby("exact_hash", num_partitions=partitions).aggregate(
        Min(_DOC_ID, alias_name="leader"), Count(alias_name="group_size")
    ).materialize()
    stats = groups.stats()
    band_rows = sig.map_batches(_band_rows, batch_format="pyarrow")
    # One row per bucket with its exact hashes (a vectorised aggregation, not a Python
    # call per bucket: most buckets hold one and are dropped at once).
    buckets = band_rows.groupby(["band", "hash"], num_partitions=partitions).aggregate(
        Unique(on="exact_hash", alias_name="members")
    )
    pairs = buckets.map_batches(_bucket_pairs, batch_format="pyarrow")
    pairs = pairs.groupby(["a", "b"], num_partitions=partitions).count().materialize()
    stats += pairs.stats()
    pairs = _leader_pairs(groups, pairs, partitions)
    edges = _confirm(docs, pairs, config_text, threshold, partitions)
    members = _members(sig, groups, partitions)
    placements = _place(members, edges, partitions)
    stats += placements.stats()
    if placements.count() <= BROADCAST_ROWS:
        applied = docs.map_batches(
            _apply_placed,
            batch_format="pyarrow",
            fn_kwargs={"config_text": config_text, "until": until, "refs": placements.to_arrow_refs()},
        )
        return applied, stats
    # What was observed stays behind: the join moves the documents alone.
    bare = docs.map_batches(_documents, batch_format="pyarrow")
    joined = bare.join(
        placements,
        join_type="left_outer",
        num_partitions=partitions,
        on=(_DOC_ID,),
    )
    applied = joined.map_batches(
        _apply_dedup,
        batch_format="pyarrow",
        fn_kwargs={"config_text": config_text, "until": until, "schema": bare.schema().base_schema},
    )
    return applied, stats


_PLACEMENT = ("cluster", "duplicate_of", "similarity")


def _signatures(docs: pa.Table) -> pa.Table:
    # Rejected rows have no signature; they take no part in deciding.
    signed = docs.filter(pc.is_valid(docs.column(_OBSERVED + "exact_hash")))
    return pa.table(
        {
            _DOC_ID: signed.column(_DOC_ID),
            **{c: signed.column(_OBSERVED + c) for c in ("exact_hash", "n_chars", "published", "band_hashes")},
        }
    )


def _band_rows(sig: pa.Table) -> pa.Table:
    import numpy as np

    bands = sig.column("band_hashes").combine_chunks()
    owner = pc.list_parent_indices(bands)
    # A band's index is its place in its document's list.
    starts = np.asarray(bands.offsets)[:-1]
    index = np.arange(len(owner)) - starts[np.asarray(owner)] if len(owner) else np.array([], np.int64)
    return pa.table(
        {
            "band": pa.array(index.astype(np.uint32)),
            "hash": pc.list_flatten(bands),
            "exact_hash": sig.column("exact_hash").combine_chunks().take(owner),
        }
    )


def _bucket_pairs(buckets: pa.Table) -> pa.Table:
    shared = buckets.filter(pc.greater(pc.list_value_length(buckets.column("members")), 1))
    a, b = [], []
    for members in shared.column("members").to_pylist():
        hashes = sorted(set(members))
        for i, x in enumerate(hashes):
            for y in hashes[i + 1 :]:
                a.append(x)
                b.append(y)
    kind = buckets.schema.field("members").type.value_type
    return pa.table({"a": pa.array(a, kind), "b": pa.array(b, kind)})


def _leader_pairs(groups, pairs, partitions: int):
    """The candidate pairs of exact hashes as pairs of their groups' leaders (a < b):
    the groups of the hashes in a pair are picked out by a map over the groups with
    those hashes broadcast (or a join past BROADCAST_ROWS), then handed to the pairs."""
    if 2 * pairs.count() <= BROADCAST_ROWS:
        wanted = groups.map_batches(
            _groups_in_pairs, batch_format="pyarrow", fn_kwargs={"refs": pairs.to_arrow_refs()}
        ).materialize()
        refs = wanted.to_arrow_refs()
        return pairs.map_batches(_as_leaders, batch_format="pyarrow", fn_kwargs={"refs": refs}).materialize()
    leaders = groups.map_batches(
        lambda t: t.select(["exact_hash", "leader"]), batch_format="pyarrow"
    )
    named = pairs.join(
        leaders, join_type="inner", num_partitions=partitions, on=("a",), right_on=("exact_hash",)
    ).map_batches(_renamed, batch_format="pyarrow", fn_kwargs={"column": "leader", "to": "leader_a", "drop": ("exact_hash",)})
    named = named.join(
        leaders, join_type="inner", num_partitions=partitions, on=("b",), right_on=("exact_hash",)
    ).map_batches(_renamed, batch_format="pyarrow", fn_kwargs={"column": "leader", "to": "leader_b", "drop": ("exact_hash",)})
    return named.map_batches(_ordered_leaders, batch_format="pyarrow").materialize()


def _renamed(t: pa.Table, column: str, to: str, drop: Tuple[str, ...]) -> pa.Table:
    """What a join brought in as `column`, under the name `to`, without the join's
    key (in `drop`, with anything else the next step has no use for)."""
    keep = [n for n in t.column_names if n != column and n not in drop]
    return pa.table({**{n: t.column(n) for n in keep}, to: t.column(column)})


def _hash_set(pairs: pa.RecordBatch) -> "_Index":
    both = pa.chunked_array([pairs.column("a"), pairs.column("b")])
    return _Index(pc.unique(both) if len(both) else pa.array([], pa.binary(16)))


def _groups_in_pairs(groups: pa.Table, refs) -> pa.Table:
    empty = pa.table({"a": pa.array([], pa.binary(16)), "b": pa.array([], pa.binary(16)), "count()": pa.array([], pa.int64())})
    wanted = _broadcast(refs, empty, derive=_hash_set)
    chosen = groups.filter(pc.is_valid(wanted.find(groups.column("exact_hash"))))
    return chosen.select(["exact_hash", "leader"])


def _indexed_on_hash(table: pa.RecordBatch):
    return table, _Index(table.column("exact_hash"))


def _as_leaders(pairs: pa.Table, refs) -> pa.Table:
    empty = pa.table({"exact_hash": pa.array([], pa.binary(16)), "leader": pa.array([], pa.string())})
    wanted, index = _broadcast(refs, empty, derive=_indexed_on_hash)
    leaders = wanted.column("leader")
    return _ordered_leaders(
        pa.table(
            {
                "leader_a": leaders.take(index.find(pairs.column("a"))),
                "leader_b": leaders.take(index.find(pairs.column("b"))),
                "count()": pairs.column("count()"),
            }
        )
    )


def _ordered_leaders(pairs: pa.Table) -> pa.Table:
    a = pairs.column("leader_a").cast(pa.string())
    b = pairs.column("leader_b").cast(pa.string())
    first = pc.less(a, b)
    return pa.table(
        {
            "a": pc.if_else(first, a, b),
            "b": pc.if_else(first, b, a),
            "count()": pairs.column("count()").cast(pa.int64()),
        }
    )


def _members(sig, groups, partitions: int):
    """Every signed document with its exact group's leader and size: a map with the
    groups of more than one member broadcast (a document in no such group leads its
    own), or a join of the signatures with the groups past BROADCAST_ROWS of them."""
    several = groups.map_batches(
        lambda t: t.filter(pc.greater(t.column("group_size"), 1)), batch_format="pyarrow"
    ).materialize()
    if several.count() <= BROADCAST_ROWS:
        return sig.map_batches(
            _with_group, batch_format="pyarrow", fn_kwargs={"refs": several.to_arrow_refs()}
        )
    # The band hashes stay behind: the join moves what placing needs.
    unbanded = sig.map_batches(
        lambda t: t.drop_columns(["band_hashes"]), batch_format="pyarrow"
    )
    joined = unbanded.join(several, join_type="left_outer", num_partitions=partitions, on=("exact_hash",))
    return joined.map_batches(_group_filled, batch_format="pyarrow")


def _with_group(sig: pa.Table, refs) -> pa.Table:
    empty = pa.table(
        {"exact_hash": pa.array([], pa.binary(16)), "leader": pa.array([], pa.string()), "group_size": pa.array([], pa.int64())}
    )
    several, index = _broadcast(refs, empty, derive=_indexed_on_hash)
    at = index.find(sig.column("exact_hash"))
    return _group_filled(
        sig.append_column("leader", several.column("leader").take(at)).append_column(
            "group_size", several.column("group_size").take(at)
        )
    )


def _group_filled(t: pa.Table) -> pa.Table:
    ids = t.column(_DOC_ID).cast(pa.string())
    return pa.table(
        {
            _DOC_ID: ids,
            "leader": pc.coalesce(t.column("leader").cast(pa.string()), ids),
            "group_size": pc.coalesce(t.column("group_size").cast(pa.int64()), pa.scalar(1, pa.int64())),
            "n_chars": t.column("n_chars"),
            "published": t.column("published"),
        }
    )


def _confirm(docs, pairs, config_text, threshold: float, partitions: int):
    """The candidate pairs with their true Jaccard similarity, those that reach the
    threshold. Only the leaders in a pair are shingled (as the CLI's second pass)."""
    if 2 * pairs.count() <= BROADCAST_ROWS:
        # The pairs go to the documents, not the documents to a join: each task
        # shingles its documents that are in a pair.
        shingles = docs.map_batches(
            _shingles_of_wanted,
            batch_format="pyarrow",
            fn_kwargs={"config_text": config_text, "refs": pairs.to_arrow_refs()},
        )
    else:
        wanted = pairs.flat_map(lambda r: [{_DOC_ID: r["a"]}, {_DOC_ID: r["b"]}])
        wanted = wanted.groupby(_DOC_ID, num_partitions=partitions).count()
        # What was observed stays behind: the join moves the documents alone.
        bare = docs.map_batches(_documents, batch_format="pyarrow")
        shingled = bare.join(wanted, join_type="inner", num_partitions=partitions, on=(_DOC_ID,))
        shingles = shingled.map_batches(
            _shingles,
            batch_format="pyarrow",
            fn_kwargs={"config_text": config_text, "schema": bare.schema().base_schema},
        )
    left = pairs.join(
        shingles, join_type="inner", num_partitions=partitions, on=("a",), right_on=(_DOC_ID,)
    ).map_batches(
        _renamed,
        batch_format="pyarrow",
        fn_kwargs={"column": "shingles", "to": "shingles_a", "drop": (_DOC_ID, "count()")},
    )
    both = left.join(
        shingles, join_type="inner", num_partitions=partitions, on=("b",), right_on=(_DOC_ID,)
    ).map_batches(
        _renamed,
        batch_format="pyarrow",
        fn_kwargs={"column": "shingles", "to": "shingles_b", "drop": (_DOC_ID, "count()")},
    )
    return both.map_batches(
        _similar, batch_format="pyarrow", fn_kwargs={"threshold": threshold}
    ).materialize()


def _shingles(docs: pa.Table, config_text, schema) -> pa.Table:
    # The join may widen types (string to large_string): back to the stages' own.
    docs = docs.select(schema.names).cast(schema)
    return pa.Table.from_batches([_pipeline(config_text)._inner.dedup_shingles(_one_batch(docs))])


def _pair_members(pairs: pa.RecordBatch) -> "_Index":
    both = pa.chunked_array([pairs.column("a").cast(pa.string()), pairs.column("b").cast(pa.string())])
    return _Index(pc.unique(both) if len(both) else pa.array([], pa.string()))


def _shingles_of_wanted(docs: pa.Table, config_text, refs) -> pa.Table:
    empty = pa.table({"a": pa.array([], pa.string()), "b": pa.array([], pa.string()), "count()": pa.array([], pa.int64())})
    wanted = _broadcast(refs, empty, derive=_pair_members)
    chosen = _documents(docs.filter(pc.is_valid(wanted.find(docs.column(_DOC_ID)))))
    return pa.Table.from_batches([_pipeline(config_text)._inner.dedup_shingles(_one_batch(chosen))])


def _similar(t: pa.Table, threshold: float) -> pa.Table:
    a, b, sim = [], [], []
    for x, y, sa, sb in zip(
        t.column("a").to_pylist(),
        t.column("b").to_pylist(),
        t.column("shingles_a").to_pylist(),
        t.column("shingles_b").to_pylist(),
    ):
        s = _jaccard(sa, sb)
        if s >= threshold:
            a.append(x)
            b.append(y)
            sim.append(s)
    return pa.table(
        {"a": pa.array(a, pa.string()), "b": pa.array(b, pa.string()), "similarity": pa.array(sim, pa.float64())}
    )


def _jaccard(a: List[int], b: List[int]) -> float:
    # crates/dedup/src/text.rs jaccard: shared over union of two sorted sets, 1.0 for
    # two empty ones.
    if not a and not b:
        return 1.0
    shared = len(set(a).intersection(b))
    return shared / (len(a) + len(b) - shared)


def _place(members, edges, partitions: int):
    """Every document of a group with more than one member or of a confirmed pair,
    with its placement; the documents left out are kept, each its own cluster."""
    import ray

    n_edges = edges.count()
    if n_edges > MAX_PAIRS:
        raise RuntimeError(
            f"dedup confirmed {n_edges} similar pairs, more than the {MAX_PAIRS} whose "
            "components one task finds; raise newsprep.ray.pipeline.MAX_PAIRS on workers "
            "with more memory"
        )
    component_of = _components.remote(edges.to_arrow_refs())
    # Each member with its leader's component; groups without a confirmed pair are
    # their own component, named by their leader. The components (two rows a pair at
    # most) are handed to the tasks while they are under BROADCAST_ROWS, else joined.
    if 2 * n_edges <= BROADCAST_ROWS:
        refs = [component_of]
        tagged = members.map_batches(
            _tag_component, batch_format="pyarrow", fn_kwargs={"refs": refs, "on": "leader"}
        ).map_batches(_fill_component, batch_format="pyarrow")
        with_edges = edges.map_batches(
            _tag_component, batch_format="pyarrow", fn_kwargs={"refs": refs, "on": "a"}
        )
    else:
        components = ray.data.from_arrow_refs([component_of])
        tagged = members.join(
            components, join_type="left_outer", num_partitions=partitions, on=("leader",)
        ).map_batches(_fill_component, batch_format="pyarrow")
        with_edges = edges.join(
            components, join_type="inner", num_partitions=partitions, on=("a",), right_on=("leader",)
        )
    rows = tagged.union(with_edges.map_batches(_edge_rows, batch_format="pyarrow"))
    return rows.groupby("component", num_partitions=partitions).map_groups(
        _place_component, batch_format="pyarrow"
    ).materialize()


def _components_impl(refs) -> pa.Table:
    import ray

    tables = ray.get(list(refs))
    parent: Dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for t in tables:
        for a, b in zip(t.column("a").to_pylist(), t.column("b").to_pylist()):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    nodes = sorted(parent.keys() | set(parent.values()))
    return pa.table(
        {"leader": pa.array(nodes, pa.string()), "component": pa.array([find(n) for n in nodes], pa.string())}
    )


def _remote_components():
    import ray

    return ray.remote(_components_impl)


class _Lazy:
    """A ray.remote function made on first use, so that importing this module does
    not need ray initialised."""

    def __init__(self, make):
        self._make, self._fn = make, None

    def remote(self, *args):
        if self._fn is None:
            self._fn = self._make()
        return self._fn.remote(*args)


_components = _Lazy(_remote_components)


def _tag_component(t: pa.Table, refs, on: str) -> pa.Table:
    """Rows with the component of their column `on` (null for a leader in no
    confirmed pair): what the join with the components gives them."""
    empty = pa.table({"leader": pa.array([], pa.string()), "component": pa.array([], pa.string())})
    components, index = _broadcast(refs, empty, derive=_indexed_on_leader)
    at = index.find(t.column(on))
    return t.append_column("component", components.column("component").take(at))


def _indexed_on_leader(components: pa.RecordBatch):
    return components, _Index(components.column("leader"))


def _fill_component(t: pa.Table) -> pa.Table:
    # A document alone in its exact group and in no confirmed pair is kept, its own
    # cluster: what apply does for a document no placement names, so it goes no further.
    placed = pc.or_(pc.is_valid(t.column("component")), pc.greater(t.column("group_size"), 1))
    t = t.filter(placed)
    leader = t.column("leader").cast(pa.string())
    component = pc.coalesce(t.column("component").cast(pa.string()), leader)
    return pa.table(
        {
            "component": component,
            _DOC_ID: t.column(_DOC_ID).cast(pa.string()),
            "leader": leader,
            "n_chars": t.column("n_chars").cast(pa.uint64()),
            "published": t.column("published").cast(pa.int64()),
            "a": pa.nulls(t.num_rows, pa.string()),
            "b": pa.nulls(t.num_rows, pa.string()),
            "similarity": pa.nulls(t.num_rows, pa.float64()),
        }
    )


def _edge_rows(t: pa.Table) -> pa.Table:
    n = t.num_rows
    return pa.table(
        {
            "component": t.column("component").cast(pa.string()),
            _DOC_ID: pa.nulls(n, pa.string()),
            "leader": pa.nulls(n, pa.string()),
            "n_chars": pa.nulls(n, pa.uint64()),
            "published": pa.nulls(n, pa.int64()),
            "a": t.column("a").cast(pa.string()),
            "b": t.column("b").cast(pa.string()),
            "similarity": t.column("similarity").cast(pa.float64()),
        }
    )


def _place_component(rows: pa.Table) -> pa.Table:
    """crates/dedup/src/cluster.rs place, over one component: groups in keep order,
    each joining the first kept group it was confirmed similar to, or kept itself."""
    is_member = pc.is_valid(rows.column(_DOC_ID))
    members = rows.filter(is_member).to_pylist()
    edges = rows.filter(pc.invert(is_member)).to_pylist()
    if len(members) == 1 and not edges:
        return _placements([], [], [], [])

    def keep_key(m):
        published = m["published"] if m["published"] is not None else 2**63 - 1
        return (-m["n_chars"], published, int(m[_DOC_ID], 16))

    groups: Dict[str, list] = {}
    for m in members:
        groups.setdefault(m["leader"], []).append(m)
    for group in groups.values():
        group.sort(key=keep_key)
    order = sorted(groups, key=lambda g: keep_key(groups[g][0]))
    rank = {g: r for r, g in enumerate(order)}
    neighbours: Dict[str, list] = {g: [] for g in groups}
    for e in edges:
        neighbours[e["a"]].append((e["b"], e["similarity"]))
        neighbours[e["b"]].append((e["a"], e["similarity"]))
    kept = set()
    ids, cluster, dup_of, sim = [], [], [], []
    for g in order:
        leaders = [(rank[o], o, s) for o, s in neighbours[g] if o in kept and rank[o] < rank[g]]
        if leaders:
            _, other, similarity = min(leaders, key=lambda x: x[0])
            head = groups[other][0][_DOC_ID]
        else:
            kept.add(g)
            head, similarity = groups[g][0][_DOC_ID], None
        for i, m in enumerate(groups[g]):
            is_head = g in kept and i == 0
            ids.append(m[_DOC_ID])
            cluster.append(head)
            dup_of.append(None if is_head else head)
            sim.append(None if is_head else (1.0 if similarity is None else similarity))
    return _placements(ids, cluster, dup_of, sim)


def _placements(ids, cluster, dup_of, sim) -> pa.Table:
    return pa.table(
        {
            _DOC_ID: pa.array(ids, pa.string()),
            "placed_cluster": pa.array(cluster, pa.string()),
            "placed_duplicate_of": pa.array(dup_of, pa.string()),
            "placed_similarity": pa.array(sim, pa.float64()),
        }
    )


_PLACED_TYPES = {"cluster": pa.string(), "duplicate_of": pa.string(), "similarity": pa.float64()}


def _apply_placed(docs: pa.Table, config_text, until, refs) -> pa.Table:
    empty = _placements([], [], [], [])
    placed, index = _broadcast(refs, empty, derive=_indexed_on_doc_id)
    ids = docs.column(_DOC_ID).combine_chunks().cast(pa.string())
    # Each document's row in the placements, null for one no placement names (kept
    # alone): the rows the join would have given it.
    at = index.find(ids)
    decided = pa.record_batch(
        {_DOC_ID: ids, **{
            c: placed.column("placed_" + c).take(at).cast(t) for c, t in _PLACED_TYPES.items()}}
    )
    pipeline = _pipeline(config_text)
    return _observed(pipeline, until, pipeline.apply("dedup", _documents(docs), decided, until))


def _indexed_on_doc_id(placed: pa.RecordBatch):
    return placed, _Index(placed.column(_DOC_ID))


def _apply_dedup(joined: pa.Table, config_text, until, schema) -> pa.Table:
    # The placement rides beside the document under names of its own (the documents
    # table has a duplicate_of too); a document no placement names is kept alone.
    types = _PLACED_TYPES
    placed = {}
    for c in _PLACEMENT:
        name = "placed_" + c
        placed[c] = (
            joined.column(name).combine_chunks()
            if name in joined.column_names
            else pa.nulls(joined.num_rows, types[c])
        )
    decided = pa.record_batch(
        {_DOC_ID: joined.column(_DOC_ID).combine_chunks().cast(pa.string()), **{
            c: a.cast(types[c]) for c, a in placed.items()}}
    )
    # The join may widen types (string to large_string): back to the stages' own.
    docs = joined.select(schema.names).cast(schema)
    pipeline = _pipeline(config_text)
    return _observed(pipeline, until, pipeline.apply("dedup", docs, decided, until))


class _Index:
    """The rows of a broadcast table by key, made once per worker process. pyarrow's
    is_in and index_in hash their whole value set at every call, so a batch looking
    itself up in a table of millions would pay for the table each time; here a batch
    pays a binary search a key, over two 64-bit numbers a key: a document id (16 hex
    digits of a 64-bit number, core's DocId) or a 16-byte exact hash. Should two keys
    share their first number (hashes), lookups go through a dict instead."""

    def __init__(self, keys: Union[pa.Array, pa.ChunkedArray]) -> None:
        import numpy as np

        high, low = _key_numbers(keys)
        order = np.lexsort((low, high))
        self._order, self._high, self._low = order, high[order], low[order]
        self._by_key: Optional[Dict[Tuple[int, int], int]] = None
        if len(order) > 1 and bool(np.any(self._high[1:] == self._high[:-1])):
            self._by_key = {
                (int(h), int(l)): int(i) for i, h, l in zip(order, self._high, self._low)
            }

    def find(self, keys: Union[pa.Array, pa.ChunkedArray]) -> pa.Array:
        """Each key's row in the table (int64), null where the table lacks it."""
        import numpy as np

        high, low = _key_numbers(keys)
        if len(self._high) == 0:
            return pa.nulls(len(high), pa.int64())
        if self._by_key is not None:
            found = [self._by_key.get((int(h), int(l))) for h, l in zip(high, low)]
            return pa.array(found, pa.int64())
        at = np.minimum(np.searchsorted(self._high, high), len(self._high) - 1)
        hit = (self._high[at] == high) & (self._low[at] == low)
        return pa.array(self._order[at].astype(np.int64), mask=~hit)


def _key_numbers(keys: Union[pa.Array, pa.ChunkedArray]):
    import numpy as np

    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    if pa.types.is_string(keys.type) or pa.types.is_large_string(keys.type):
        ids = np.fromiter((int(i, 16) for i in keys.to_pylist()), dtype=np.uint64, count=len(keys))
        return ids, np.zeros(len(ids), np.uint64)
    # A join may have widened the hashes to variable-length binary: back to 16 bytes.
    hashes = keys.cast(pa.binary(16))
    raw = np.frombuffer(
        hashes.buffers()[1], dtype=">u8", count=2 * len(hashes), offset=16 * hashes.offset
    ).reshape(-1, 2)
    return raw[:, 0].astype(np.uint64), raw[:, 1].astype(np.uint64)


def _one_batch(t: pa.Table) -> pa.RecordBatch:
    batches = t.combine_chunks().to_batches()
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=t.schema)


# ---------------------------------------------------------------------------------
# Write: each block's tables as Parquet parts, committed by the driver.


def _write(docs, config_text, writer: storage.Output, described, listing):
    import ray

    written = docs.map_batches(
        _write_part,
        batch_format="pyarrow",
        fn_kwargs={"config_text": config_text, "writer": writer, "described": described},
    ).take_all()
    parts: Dict[str, List[Tuple[str, str]]] = {}
    totals: Dict[str, Any] = {}
    for row in written:
        if row["counts"]:
            _add_counts(totals, json.loads(row["counts"]))
        else:
            parts.setdefault(row["table"], []).append((row["first"], row["path"]))
    if listing.rejected:
        # Inputs the listing turned away (links leading outside the input, special
        # files) are quarantined as the CLI's walk quarantines them.
        rejected = _newsprep.Pipeline.rejected_inputs(listing.rejected)
        path = writer.part_path("quarantine", "listing")
        _write_parquet(writer.output.fs, path, pa.Table.from_batches([rejected]), described)
        parts.setdefault("quarantine", []).append((listing.rejected[0][0], path))
    ordered: Dict[str, List[str]] = {}
    pipeline = _pipeline(config_text)
    for table in storage.TABLES:
        found = sorted(parts.get(table, []))
        if not found:
            # An empty table is still a file with its schema, as the CLI writes it.
            empty = pipeline._inner.tables(_empty_documents(pipeline))[table]
            path = writer.part_path(table, "empty")
            _write_parquet(writer.output.fs, path, pa.Table.from_batches([empty]), described)
            found = [("", path)]
        ordered[table] = [p for _, p in found]
    return ordered, totals


def _empty_documents(pipeline) -> pa.RecordBatch:
    empty = pa.record_batch(
        {"source_path": pa.array([], pa.string()), "content": pa.array([], pa.large_binary())}
    )
    return pipeline.process(empty)


def _write_part(docs: pa.Table, config_text, writer: storage.Output, described) -> pa.Table:
    pipeline = _pipeline(config_text)
    tables = pipeline._inner.tables(_one_batch(_documents(docs)))
    key = uuid.uuid4().hex
    rows: Dict[str, List[str]] = {"table": [], "path": [], "first": [], "counts": []}
    for table in storage.TABLES:
        batch = tables[table]
        if batch.num_rows == 0:
            continue
        path = writer.part_path(table, key)
        _write_parquet(writer.output.fs, path, pa.Table.from_batches([batch]), described)
        first = batch.column(0)[0].as_py()
        rows["table"].append(table)
        rows["path"].append(path)
        rows["first"].append(str(first))
        rows["counts"].append("")
    # The counts of the block ride on a row of their own.
    rows["table"].append("")
    rows["path"].append("")
    rows["first"].append("")
    rows["counts"].append(tables["counts"])
    return pa.table(rows)


def _write_parquet(fs, path: str, table: pa.Table, described) -> None:
    parquet = described["parquet"]
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **{
        k.encode(): v.encode() for k, v in parquet["metadata"].items()}})
    with fs.open_output_stream(path) as out:
        pq.write_table(
            table,
            out,
            compression="zstd",
            compression_level=parquet["compression_level"],
            row_group_size=parquet["row_group_size"],
            use_dictionary=parquet["dictionary_columns"],
            write_page_index=True,
        )


def _add_counts(totals: Dict[str, Any], counts: Dict[str, Any]) -> None:
    for k, v in counts.items():
        if isinstance(v, dict):
            inner = totals.setdefault(k, {})
            for kk, vv in v.items():
                inner[kk] = inner.get(kk, 0) + vv
        else:
            totals[k] = totals.get(k, 0) + v


# ---------------------------------------------------------------------------------
# The manifest.


def _manifest(described, listing, destination, counts, corpus, timings, started, finished, cpus):
    def stamp(t: float) -> str:
        return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    quarantined_by_reason = dict(counts.get("quarantined_by_reason", {}))
    for _, reason, _ in listing.rejected:
        quarantined_by_reason[reason] = quarantined_by_reason.get(reason, 0) + 1
    quarantined = counts.get("quarantined", 0) + len(listing.rejected)
    return {
        "newsprep_version": described["newsprep_version"],
        "schema_version": described["schema_version"],
        "started_at": stamp(started),
        "finished_at": stamp(finished),
        "wall_ms": int((finished - started) * 1000),
        "threads": cpus,
        "input_dir": listing.root.uri,
        "input_root": listing.root.path if listing.root.local else None,
        "output_dir": destination.uri,
        "config_hash": described["config_hash"],
        "config": described["config"],
        "counts": {
            "read": counts.get("read", 0) + len(listing.rejected),
            "files_read": len(listing.files) + len(listing.rejected),
            "kept": counts.get("kept", 0),
            "duplicates": counts.get("duplicates", 0),
            "quarantined": quarantined,
            "written": counts.get("written", 0),
            "files_ignored": listing.ignored,
            "records_skipped": counts.get("records_skipped", {}),
            "records_truncated": counts.get("records_truncated", 0),
        },
        "quarantined_by_reason": quarantined_by_reason,
        "mentions_by_label": counts.get("mentions_by_label", {}),
        "reuse": {
            "mode": "ray",
            "sources": [],
            "earlier_documents": 0,
            "restored": 0,
            "removed": 0,
            "decodes": counts.get("read", 0),
        },
        "shard": None,
        "stages": [],
        "passes": [{"name": name, "wall_ms": int(s * 1000), "cpu_ms": 0, "serial_share": None} for name, s in timings],
        "plan": {
            "incremental": "off",
            "passes": [
                {
                    "name": name,
                    "reads": "inputs" if name == "read" else "documents",
                    "applies": [name] if name in corpus else [],
                    "observes": name if name in corpus else None,
                    "writes": "output" if name == "write" else None,
                }
                for name, _ in timings
            ],
        },
    }

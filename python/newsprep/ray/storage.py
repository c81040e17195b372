"""Where a Ray run reads and writes: input listing and the output folder, on a local path
or in object storage (``s3://bucket/prefix``), through pyarrow's file systems.

Nothing here imports ray: the driver lists and guards before Ray starts, and the
workers only open the files they are handed. The rules are the CLI's
(crates/core/src/input.rs for the listing, crates/cli/src/guard.rs for the refusals,
crates/export/src/table.rs for the table names), so that a Ray run reads the same
files, names them by the same ``source_path`` (hence the same ``doc_id``) and refuses
the same outputs.
"""

from __future__ import annotations

import os
import posixpath
import re
import uuid
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple, Union

import pyarrow.fs as pafs

from newsprep import UsageError, _newsprep

# What an output folder holds (crates/export/src/lib.rs: is_output_entry).
TABLES = ("documents", "entities", "quarantine")
MANIFEST = "manifest.json"
STATE_DIR = "_state"
SHARDS_DIR = "shards"
# The input extensions of the default configuration (crates/core/src/config.rs).
DEFAULT_EXTENSIONS = ("txt", "text", "html", "htm", "xhtml", "warc")

_TABLE_FILE = re.compile(r"^(?P<stem>[a-z]+)(?:-(?P<n>\d{5}))?\.parquet$")
_SHARD_DIR = re.compile(r"^\d+-of-\d+$")


# Each refusal is a newsprep.UsageError, as the same case is for newsprep.run (the
# CLI's exit code 2), so one except clause serves both; ValueError stays a base for
# the callers written against the first release.
class OutputRefused(UsageError, ValueError):
    """The output cannot be written without costing the user files; the message is
    the CLI's for the same case (exit code 2 there), and nothing was changed."""


class InputMissing(UsageError, ValueError):
    """The input folder or a listed file's folder does not exist."""


class ConfigRefused(UsageError, ValueError):
    """The config file cannot be read, or names settings the pipeline refuses."""


@dataclass(frozen=True)
class Location:
    """A folder (or file) on one file system: ``path`` is what ``fs`` takes, ``uri``
    what the user wrote, for messages."""

    fs: pafs.FileSystem
    path: str
    uri: str

    @property
    def local(self) -> bool:
        return isinstance(self.fs, pafs.LocalFileSystem)

    def join(self, *parts: str) -> "Location":
        return Location(self.fs, posixpath.join(self.path, *parts), _join_uri(self.uri, *parts))

    def exists(self) -> bool:
        return self.fs.get_file_info(self.path).type != pafs.FileType.NotFound


def resolve(uri: Union[str, "os.PathLike[str]"]) -> Location:
    """The file system and path of a local path or an ``s3://``, ``gs://`` ... URI.
    Object storage is configured as pyarrow configures it: ``AWS_ENDPOINT_URL``,
    ``AWS_ACCESS_KEY_ID`` and so on, so that a local S3-compatible server is as easy
    to point at as Common Crawl's bucket."""
    text = os.fspath(uri)
    if "://" not in text:
        return Location(pafs.LocalFileSystem(), os.path.abspath(text), text)
    fs, path = pafs.FileSystem.from_uri(text)
    return Location(fs, path.rstrip("/"), text.rstrip("/"))


def _join_uri(uri: str, *parts: str) -> str:
    return "/".join([uri.rstrip("/"), *parts]) if "://" in uri else os.path.join(uri, *parts)


@dataclass(frozen=True)
class InputFile:
    """One file to read: where to open it, and its path relative to the input root
    (``/``-separated), which is the documents' ``source_path``."""

    path: str
    source_path: str
    size: int


@dataclass
class Listing:
    """What listing the input found, in ``source_path`` order as the CLI reads it."""

    root: Location
    files: List[InputFile] = field(default_factory=list)
    # (source_path, reason, detail) for inputs turned away before reading, as the
    # CLI quarantines them.
    rejected: List[Tuple[str, str, str]] = field(default_factory=list)
    ignored: int = 0
    # Whether the inputs came as a list of files (the CLI's --input-list), which
    # changes which outputs are refused.
    listed: bool = False


def input_kind(name: str, extensions: Sequence[str]) -> bool:
    """Whether a file name is an input: one of ``extensions``, optionally followed by
    ``.gz`` or ``.zst`` (crates/core/src/input.rs: input_kind)."""
    lower = name.lower()
    for suffix in (".gz", ".zst"):
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
            break
    _, dot, ext = lower.rpartition(".")
    if not dot:
        return False
    return any(ext == wanted.lower() for wanted in extensions)


def list_inputs(
    source: Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]],
    extensions: Sequence[str] = DEFAULT_EXTENSIONS,
) -> Listing:
    """The input files of a folder (walked recursively) or of a list of files.

    A folder's files are named relative to it, as ``newsprep run --input`` names them.
    A list's files are named relative to the folder that holds them all (their
    longest common folder), so a list of every file of a folder names them as the
    folder would; they must all be on one file system.
    """
    if isinstance(source, (str, os.PathLike)):
        return _list_folder(resolve(source), extensions)
    return _list_files([resolve(s) for s in source], extensions)


def _list_folder(root: Location, extensions: Sequence[str]) -> Listing:
    info = root.fs.get_file_info(root.path)
    if info.type == pafs.FileType.NotFound:
        raise InputMissing(f"input directory {root.uri} does not exist")
    if info.type != pafs.FileType.Directory:
        raise InputMissing(f"input path {root.uri} is not a directory")
    listing = Listing(root=root)
    if root.local:
        _walk_local(root, extensions, listing)
    else:
        selector = pafs.FileSelector(root.path, recursive=True)
        for entry in root.fs.get_file_info(selector):
            if entry.type != pafs.FileType.File:
                continue
            rel = posixpath.relpath(entry.path, root.path)
            if input_kind(entry.base_name, extensions):
                listing.files.append(InputFile(entry.path, rel, entry.size or 0))
            else:
                listing.ignored += 1
    listing.files.sort(key=lambda f: f.source_path)
    listing.rejected.sort()
    return listing


def _walk_local(root: Location, extensions: Sequence[str], listing: Listing) -> None:
    # Links are followed only while they lead inside the input, as the CLI's walk
    # follows them: a hostile corpus cannot make the run read /etc/passwd.
    real_root = os.path.realpath(root.path)
    stack = [root.path]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as err:
            rel = os.path.relpath(folder, root.path).replace(os.sep, "/")
            listing.rejected.append((rel, "unreadable", f"cannot walk this entry: {err}"))
            continue
        for entry in entries:
            rel = os.path.relpath(entry.path, root.path).replace(os.sep, "/")
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if target != real_root and not target.startswith(real_root + os.sep):
                    listing.rejected.append(
                        (
                            rel,
                            "outside_input",
                            "symbolic link leads outside the input directory and was not followed",
                        )
                    )
                    continue
            if entry.is_dir():
                stack.append(entry.path)
            elif not input_kind(entry.name, extensions):
                listing.ignored += 1
            elif not entry.is_file():
                listing.rejected.append(
                    (rel, "not_a_file", "is a special file, not a regular file, and was not opened")
                )
            else:
                listing.files.append(InputFile(entry.path, rel, entry.stat().st_size))


def _list_files(files: List[Location], extensions: Sequence[str]) -> Listing:
    if not files:
        raise InputMissing("the input list names no file")
    kinds = {type(f.fs).__name__ for f in files}
    if len(kinds) > 1:
        raise InputMissing("the listed inputs are on more than one file system: " + ", ".join(sorted(kinds)))
    common = posixpath.commonpath([posixpath.dirname(f.path) for f in files])
    first = files[0]
    root = Location(first.fs, common, _common_uri(first, common))
    listing = Listing(root=root, listed=True)
    seen = set()
    for f in files:
        if f.path in seen:
            continue
        seen.add(f.path)
        rel = posixpath.relpath(f.path, common)
        if not input_kind(posixpath.basename(f.path), extensions):
            listing.ignored += 1
            continue
        info = f.fs.get_file_info(f.path)
        if info.type == pafs.FileType.File:
            listing.files.append(InputFile(f.path, rel, info.size or 0))
        elif info.type == pafs.FileType.NotFound:
            listing.rejected.append((rel, "unreadable", "is listed but cannot be read: not found"))
        else:
            listing.rejected.append(
                (rel, "not_a_file", "is listed but is not a regular file, and was not opened")
            )
    listing.files.sort(key=lambda f: f.source_path)
    listing.rejected.sort()
    return listing


def _common_uri(example: Location, common: str) -> str:
    if example.local:
        return common
    scheme = example.uri.split("://", 1)[0]
    return f"{scheme}://{common}"


# ---------------------------------------------------------------------------------
# The output


def check_output(output: Location, listing: Listing) -> None:
    """Refuses, before anything is written, an output that is, holds or lies inside
    the input (for a list: that holds a listed file), or that holds anything newsprep
    did not write. Raises :class:`OutputRefused` with the CLI's message."""
    same_fs = type(output.fs) is type(listing.root.fs)
    if same_fs:
        out = _canonical(output)
        if listing.listed:
            for f in listing.files:
                if _inside(_canonical(Location(output.fs, f.path, f.path)), out):
                    raise OutputRefused(
                        f"the output folder {output.uri} holds {f.path}, one of the listed inputs: "
                        "a run replaces its output whole and would delete it; choose an --output "
                        "that holds no listed file"
                    )
        else:
            inp = _canonical(listing.root)
            if inp == out:
                raise OutputRefused(
                    f"the output folder {output.uri} is the input folder {listing.root.uri}: a run "
                    "replaces its output whole and would delete the inputs; choose another --output"
                )
            if _inside(inp, out):
                raise OutputRefused(
                    f"the output folder {output.uri} contains the input folder {listing.root.uri}: "
                    "a run replaces its output whole and would delete the inputs; choose an "
                    f"--output outside {listing.root.uri}"
                )
            if _inside(out, inp):
                raise OutputRefused(
                    f"the output folder {output.uri} lies inside the input folder "
                    f"{listing.root.uri}: later runs would read it as input; choose an --output "
                    f"outside {listing.root.uri}"
                )
    replaceable(output)


def replaceable(output: Location) -> None:
    """Refuses an output that is a file, or a folder holding anything but a newsprep
    output (its tables, ``manifest.json``, ``_state/``, ``shards/K-of-N/``)."""
    info = output.fs.get_file_info(output.path)
    if info.type == pafs.FileType.NotFound:
        if output.local and os.path.islink(output.path):
            raise OutputRefused(_is_a_file(output))
        return
    if info.type != pafs.FileType.Directory:
        raise OutputRefused(_is_a_file(output))
    for name, is_dir in _entries(output):
        if name == SHARDS_DIR and is_dir:
            for shard, shard_is_dir in _entries(output.join(name)):
                if not shard_is_dir or not _SHARD_DIR.match(shard):
                    raise OutputRefused(_foreign(output, output.join(name, shard)))
                replaceable(output.join(name, shard))
        elif name == STATE_DIR and is_dir:
            for entry, entry_is_dir in _entries(output.join(name)):
                if entry_is_dir or not is_table_file(entry, "trace"):
                    raise OutputRefused(_foreign(output, output.join(name, entry)))
        elif not _is_output_entry(name, is_dir):
            raise OutputRefused(_foreign(output, output.join(name)))


def is_table_file(name: str, stem: str) -> bool:
    """``STEM.parquet`` or ``STEM-NNNNN.parquet``."""
    m = _TABLE_FILE.match(name)
    return m is not None and m.group("stem") == stem


def _is_output_entry(name: str, is_dir: bool) -> bool:
    if is_dir:
        return name == STATE_DIR
    return (
        name == MANIFEST
        or name in _newsprep.REPORT_FILES
        or any(is_table_file(name, t) for t in TABLES)
    )


def _entries(folder: Location) -> List[Tuple[str, bool]]:
    found = folder.fs.get_file_info(pafs.FileSelector(folder.path, recursive=False))
    return sorted((e.base_name, e.type == pafs.FileType.Directory) for e in found)


def _is_a_file(output: Location) -> str:
    return (
        f"the output path {output.uri} is a file, not a folder; nothing was changed: "
        "choose another --output"
    )


def _foreign(output: Location, entry: Location) -> str:
    return (
        f"the output folder {output.uri} holds {entry.uri}, which newsprep did not write: a run "
        "replaces its output folder whole, so it writes only to a folder that is missing, empty "
        f"or an earlier newsprep output; nothing was changed: move {entry.uri} elsewhere, or "
        "choose another --output"
    )


def _canonical(loc: Location) -> str:
    # Local paths with links resolved (the CLI compares canonical paths, so `raw`,
    # `./raw/` and a link to `raw` are one folder); object keys as written.
    return os.path.realpath(loc.path) if loc.local else loc.path.rstrip("/")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


class Output:
    """An output folder being written: the workers write Parquet parts into a staging
    folder beside it, and :meth:`commit` gives the parts the CLI's table names and
    writes ``manifest.json`` last, or :meth:`abort` removes all of it.

    On a local file system the staging folder is swapped in for the output whole, as
    the CLI does (crates/cli/src/output.rs). Object storage cannot rename: there the
    earlier output's manifest goes first (so no reader takes the half-replaced output
    for complete), the parts are copied to their final keys on the server, the
    manifest is put last, and a failure on the way removes what was put, so a run that
    fails leaves no output at the destination.
    """

    def __init__(self, output: Location, run_id: Optional[str] = None):
        self.output = output
        self.run_id = run_id or uuid.uuid4().hex[:12]
        parent, name = posixpath.split(output.path.rstrip("/"))
        stage_name = f".{name}.newsprep-tmp-{self.run_id}"
        self.staging = Location(
            output.fs, posixpath.join(parent, stage_name), _join_uri(_parent_uri(output.uri), stage_name)
        )
        self.parts = self.staging.join("parts")

    def open(self) -> None:
        self.output.fs.create_dir(self.parts.path, recursive=True)

    def part_path(self, table: str, key: str) -> str:
        """Where a worker writes one part of ``table``; ``key`` names the part uniquely
        (a retried task writes a new part, and only the parts the driver was handed are
        committed)."""
        return posixpath.join(self.parts.path, f"{table}-{key}.parquet")

    def commit(self, parts: dict, manifest: bytes) -> List[str]:
        """Puts the parts of each table (``{stem: [part paths in row order]}``) at their
        final names and the manifest last; returns the final file names."""
        names = []
        for stem, paths in parts.items():
            for i, path in enumerate(paths):
                name = f"{stem}.parquet" if len(paths) == 1 else f"{stem}-{i:05d}.parquet"
                names.append((path, name))
        if self.output.local:
            return self._commit_local(names, manifest)
        return self._commit_remote(names, manifest)

    def _commit_local(self, names: List[Tuple[str, str]], manifest: bytes) -> List[str]:
        fs = self.output.fs
        for path, name in names:
            fs.move(path, posixpath.join(self.staging.path, name))
        # Parts of failed task attempts were never handed to the driver: they go here.
        fs.delete_dir(self.parts.path)
        with fs.open_output_stream(posixpath.join(self.staging.path, MANIFEST)) as f:
            f.write(manifest)
        old = self.staging.path.replace("newsprep-tmp-", "newsprep-old-")
        had_output = self.output.exists()
        if had_output:
            fs.move(self.output.path, old)
        fs.move(self.staging.path, self.output.path)
        if had_output:
            fs.delete_dir(old)
        return sorted(n for _, n in names) + [MANIFEST]

    def _commit_remote(self, names: List[Tuple[str, str]], manifest: bytes) -> List[str]:
        fs = self.output.fs
        earlier = [n for n, is_dir in _entries(self.output)] if self.output.exists() else []
        if MANIFEST in earlier:
            fs.delete_file(self.output.join(MANIFEST).path)
        for name in earlier:
            if name != MANIFEST:
                _remove(fs, self.output.join(name).path)
        put = []
        try:
            for path, name in names:
                target = self.output.join(name).path
                fs.copy_file(path, target)
                put.append(target)
            with fs.open_output_stream(self.output.join(MANIFEST).path) as f:
                f.write(manifest)
        except BaseException:
            for target in put:
                _remove(fs, target)
            raise
        fs.delete_dir(self.staging.path)
        return sorted(n for _, n in names) + [MANIFEST]

    def abort(self) -> None:
        """Removes everything this run wrote; the earlier output, if any, stays."""
        _remove(self.output.fs, self.staging.path)


def _remove(fs: pafs.FileSystem, path: str) -> None:
    info = fs.get_file_info(path)
    if info.type == pafs.FileType.Directory:
        fs.delete_dir(path)
    elif info.type != pafs.FileType.NotFound:
        fs.delete_file(path)


def _parent_uri(uri: str) -> str:
    if "://" in uri:
        return uri.rstrip("/").rsplit("/", 1)[0]
    return os.path.dirname(os.path.abspath(uri))

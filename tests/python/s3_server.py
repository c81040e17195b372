"""A local S3-compatible server for the tests that read and write object storage: moto in
server mode on a free loopback port, started and stopped by the test run, reached
through pyarrow's S3 file system (or any client given the same endpoint and keys)."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator

import pyarrow.fs as pafs

# moto accepts any keys; these only have to be the same on every client.
_KEYS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


class S3:
    """The running server: its endpoint, the environment that points pyarrow (and
    boto3, and the processes a test starts) at it, and helpers to fill a bucket."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.env: Dict[str, str] = {"AWS_ENDPOINT_URL": endpoint, **_KEYS}

    def filesystem(self) -> pafs.S3FileSystem:
        return pafs.S3FileSystem(**self.pyarrow_options())

    def pyarrow_options(self) -> Dict[str, str]:
        """Keyword arguments of ``pyarrow.fs.S3FileSystem``."""
        host = self.endpoint.split("://", 1)[1]
        return {
            "endpoint_override": host,
            "scheme": "http",
            "access_key": _KEYS["AWS_ACCESS_KEY_ID"],
            "secret_key": _KEYS["AWS_SECRET_ACCESS_KEY"],
            "region": _KEYS["AWS_REGION"],
        }

    def fsspec_options(self) -> Dict[str, object]:
        """``storage_options`` for fsspec's s3fs."""
        return {
            "key": _KEYS["AWS_ACCESS_KEY_ID"],
            "secret": _KEYS["AWS_SECRET_ACCESS_KEY"],
            "client_kwargs": {"endpoint_url": self.endpoint, "region_name": _KEYS["AWS_REGION"]},
        }

    def create_bucket(self, name: str) -> str:
        pafs.S3FileSystem(allow_bucket_creation=True, **self.pyarrow_options()).create_dir(name)
        return f"s3://{name}"

    def upload(self, folder: Path, uri: str) -> int:
        """Copies every regular file under ``folder`` to ``uri`` (``s3://bucket/prefix``),
        keeping the relative paths; returns how many."""
        fs = self.filesystem()
        prefix = uri.split("://", 1)[1].rstrip("/")
        count = 0
        for path in sorted(Path(folder).rglob("*")):
            # Object storage has no links: a link is not uploaded.
            if path.is_file() and not path.is_symlink():
                key = f"{prefix}/{path.relative_to(folder).as_posix()}"
                with fs.open_output_stream(key, compression=None) as out:
                    out.write(path.read_bytes())
                count += 1
        return count

    def keys(self, uri: str) -> list:
        """The keys under ``uri``, relative to it, sorted."""
        fs = self.filesystem()
        prefix = uri.split("://", 1)[1].rstrip("/")
        if fs.get_file_info(prefix).type == pafs.FileType.NotFound:
            return []
        found = fs.get_file_info(pafs.FileSelector(prefix, recursive=True))
        return sorted(
            f.path[len(prefix) + 1 :] for f in found if f.type == pafs.FileType.File
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def s3_server(set_environment: bool = True) -> Iterator[S3]:
    """Runs moto's S3 server for the duration of the block. With ``set_environment``
    this process's environment points at it (restored afterwards), so that processes
    started inside the block, Ray's workers among them, reach it too."""
    import logging

    from moto.server import ThreadedMotoServer

    # One log line per request would bury a failing test's output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    s3 = S3(f"http://127.0.0.1:{port}")
    saved = {k: os.environ.get(k) for k in s3.env}
    if set_environment:
        os.environ.update(s3.env)
    try:
        yield s3
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()

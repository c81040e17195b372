# The compiled module (crates/python); the package's own names are in __init__.pyi.
from typing import Any, Dict, Iterator, Optional, Tuple, final

import pyarrow as pa

__all__ = ["__version__", "BUILD_PROFILE", "extract", "Pipeline", "Batches", "CORPUS_COLUMNS", "REPORT_FILES", "run", "UsageError", "LockedError", "RunError"]

__version__: str
BUILD_PROFILE: str
CORPUS_COLUMNS: dict[str, tuple[str, str, str]]
REPORT_FILES: tuple[str, str]

def extract(
    html: bytes, url: Optional[str] = None, keep_removed: bool = False
) -> Optional[pa.RecordBatch]: ...

def run(
    input: str,
    output: str,
    config: Optional[str] = None,
    threads: Optional[int] = None,
    incremental: bool = False,
    shard: Optional[str] = None,
) -> str: ...

class UsageError(Exception): ...
class LockedError(Exception): ...
class RunError(Exception): ...

@final
class Pipeline:
    def __new__(cls, config: Optional[str] = None) -> Pipeline: ...
    @property
    def stages(self) -> list[str]: ...
    def process_batch(
        self, batch: pa.RecordBatch, until: Optional[str] = None
    ) -> pa.RecordBatch: ...
    def observe(self, stage: str, batch: pa.RecordBatch) -> pa.RecordBatch: ...
    def apply(
        self,
        stage: str,
        batch: pa.RecordBatch,
        decided: pa.RecordBatch,
        until: Optional[str] = None,
    ) -> pa.RecordBatch: ...
    def process_path(
        self,
        path: str,
        source_path: Optional[str] = None,
        batch_rows: int = 256,
        until: Optional[str] = None,
    ) -> Batches: ...
    def dedup_shingles(self, batch: pa.RecordBatch) -> pa.RecordBatch: ...
    def tables(self, batch: pa.RecordBatch) -> dict[str, Any]: ...
    def describe(self) -> str: ...
    @staticmethod
    def rejected_inputs(rows: list[tuple[str, str, str]]) -> pa.RecordBatch: ...
    def process_stream(
        self,
        reader: Any,
        source_path: str,
        size: Optional[int] = None,
        batch_rows: int = 256,
    ) -> Batches: ...

@final
class Batches:
    def __iter__(self) -> Iterator[pa.RecordBatch]: ...
    def __next__(self) -> pa.RecordBatch: ...
    def tallies(self) -> Tuple[Dict[str, int], int]: ...

import os
from typing import Any, BinaryIO, Iterator, Optional, Union

import pyarrow as pa

__version__: str
__all__ = ["LockedError", "Pipeline", "RunError", "UsageError", "extract", "run"]

PathLike = Union[str, os.PathLike[str]]

def extract(
    html: Union[bytes, str], url: Optional[str] = None, keep_removed: bool = False
) -> Optional[dict[str, Any]]: ...

class UsageError(Exception): ...
class LockedError(Exception): ...
class RunError(Exception): ...

def run(
    input: PathLike,
    output: PathLike,
    config: Optional[PathLike] = None,
    threads: Optional[int] = None,
    incremental: bool = False,
    shard: Optional[str] = None,
) -> dict[str, Any]: ...

class Pipeline:
    def __init__(self, config: Optional[PathLike] = None) -> None: ...
    @property
    def stages(self) -> list[str]: ...
    def process(
        self, batch: Union[pa.RecordBatch, pa.Table], until: Optional[str] = None
    ) -> Union[pa.RecordBatch, pa.Table]: ...
    def observe(
        self, stage: str, documents: Union[pa.RecordBatch, pa.Table]
    ) -> Union[pa.RecordBatch, pa.Table]: ...
    def decide(self, stage: str, observed: Union[pa.RecordBatch, pa.Table]) -> pa.Table: ...
    def apply(
        self,
        stage: str,
        documents: Union[pa.RecordBatch, pa.Table],
        decided: Union[pa.RecordBatch, pa.Table],
        until: Optional[str] = None,
    ) -> Union[pa.RecordBatch, pa.Table]: ...
    def process_file(
        self,
        source: Union[PathLike, BinaryIO],
        source_path: Optional[str] = None,
        batch_rows: int = 256,
    ) -> Iterator[pa.RecordBatch]: ...

"""The whole newsprep pipeline as a Ray Data program, beyond one machine.

Per-document stages run in ``map_batches`` through :class:`newsprep.Pipeline` over
Arrow; the corpus stages run as the engine's own operations: boilerplate's recurring
lines and the people linker's names as group-by counts, dedup's MinHash bands as a
group-by giving candidate pairs, confirmed by their true similarity, then the
duplicate clusters. docs/distributed.md says when to use it, and what each step moves.

Without ``RAY_ADDRESS`` a run starts a local Ray with ``num_cpus`` CPUs (or
``RAY_NUM_CPUS``, else every CPU); with it, the run joins that cluster, as a job
started by ``ray job submit`` or a KubeRay ``RayJob`` does (deploy/).

``import newsprep`` never imports this package, and this package imports ray only
when a run starts.

>>> import newsprep.ray  # doctest: +SKIP
>>> manifest = newsprep.ray.run("raw", "processed")  # doctest: +SKIP
>>> manifest["counts"]["written"]  # doctest: +SKIP
5
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional, Sequence, Union

from newsprep.ray.storage import ConfigRefused, InputMissing, OutputRefused

__all__ = ["run", "OutputRefused", "InputMissing", "ConfigRefused"]

PathLike = Union[str, "os.PathLike[str]"]


def run(
    input: Union[PathLike, Sequence[PathLike]],
    output: PathLike,
    config: Optional[PathLike] = None,
    num_cpus: Optional[int] = None,
) -> Dict[str, Any]:
    """Runs the pipeline on Ray and returns the manifest it wrote.

    ``input`` is a folder or a list of files, local or in object storage
    (``s3://bucket/prefix``, configured as pyarrow configures S3: ``AWS_ENDPOINT_URL``,
    ``AWS_ACCESS_KEY_ID``, ...). ``output`` is a folder there too; it gets the tables
    ``newsprep run`` writes, named as it names them, and ``manifest.json`` last. An
    output the CLI would refuse raises :class:`OutputRefused` with the CLI's message
    before anything is written; a run that fails leaves no output at the destination
    (an earlier output in a local folder stays as it was). A config that cannot be
    read or built raises :class:`ConfigRefused`, a missing input :class:`InputMissing`.
    All three are :class:`newsprep.UsageError`, as the same cases are for
    :func:`newsprep.run`.
    """
    from newsprep.ray.pipeline import run as run_on_ray

    return run_on_ray(input, output, config=config, num_cpus=num_cpus)

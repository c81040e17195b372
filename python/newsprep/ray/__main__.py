"""``python -m newsprep.ray --input IN --output OUT [--config FILE] [--num-cpus N]``.

Exit codes as the CLI's: 0 done, 1 the run failed (nothing was left at the output),
2 a usage error (a refused output, a missing input, a bad config).
"""

from __future__ import annotations

import argparse
import json
import sys

from newsprep.ray.storage import ConfigRefused, InputMissing, OutputRefused


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsprep.ray",
        description="Runs the newsprep pipeline on Ray: a local Ray, or the cluster RAY_ADDRESS names.",
    )
    parser.add_argument(
        "--input",
        required=True,
        nargs="+",
        help="an input folder, or input files; local paths or s3://bucket/prefix",
    )
    parser.add_argument("--output", required=True, help="the output folder, local or s3://")
    parser.add_argument("--config", help="pipeline.toml (the defaults without it)")
    parser.add_argument(
        "--num-cpus",
        type=int,
        help="CPUs of the local Ray started without RAY_ADDRESS (default: RAY_NUM_CPUS, else all)",
    )
    args = parser.parse_args(argv)
    from newsprep.ray import run

    source = args.input[0] if len(args.input) == 1 else args.input
    try:
        manifest = run(source, args.output, config=args.config, num_cpus=args.num_cpus)
    except (OutputRefused, InputMissing, ConfigRefused) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - any failure of the run is exit 1
        print(f"error: the run failed and left no output: {err}", file=sys.stderr)
        return 1
    print(json.dumps(manifest["counts"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

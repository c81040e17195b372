#!/bin/bash
# Queues the four shards as a Slurm job array, then the merge, which starts only when
# every array task exited 0 (afterok).
set -euo pipefail
mkdir -p logs
shards=$(sbatch --parsable deploy/newsprep-shards.sbatch)
sbatch --dependency="afterok:${shards}" --job-name=newsprep-merge --cpus-per-task=16 \
    --mem=8G --output=logs/newsprep-merge.jsonl \
    --wrap "newsprep merge --config pipeline.toml --quiet --log-format json"

#!/bin/bash
# Submits the whole pipeline to a running Ray cluster (one started with `ray start`,
# or a KubeRay RayCluster reached through `kubectl port-forward svc/...-head-svc 8265`).
# The driver runs on the cluster and joins it through the RAY_ADDRESS Ray sets there;
# only the config file is shipped with the job (as its working directory), not the
# folder this is run from.
# Usage: deploy/ray-submit.sh s3://bucket/raw/ s3://bucket/processed/ [pipeline.toml]
set -euo pipefail
input=${1:?usage: $0 INPUT OUTPUT [CONFIG]}
output=${2:?usage: $0 INPUT OUTPUT [CONFIG]}
config=${3:-pipeline.toml}
export RAY_ADDRESS=${RAY_ADDRESS:-http://127.0.0.1:8265}
job_dir=$(mktemp -d)
trap 'rm -rf "$job_dir"' EXIT
cp "$config" "$job_dir/pipeline.toml"
ray job submit \
    --working-dir "$job_dir" \
    --runtime-env-json '{"env_vars": {"RAY_USAGE_STATS_ENABLED": "0"}}' \
    -- python -m newsprep.ray --input "$input" --output "$output" --config pipeline.toml

#!/usr/bin/env bash
# The GNU parallel one-liner of docs/sweeps.md ("On a cluster"), run as written there: 3 shards in parallel,
# then their merge, whose results.csv and results.json must equal the unsharded run's byte for byte. Exit 77
# (ctest: skipped) without GNU parallel. Usage: test_parallel.sh NEUROKV_BINARY
set -euo pipefail
neurokv=$(realpath "$1")
spec=$(dirname "$(realpath "$0")")/sweep_spec.yaml
parallel --version 2>/dev/null | grep -q "GNU parallel" || { echo "SKIPPED: GNU parallel is not installed"; exit 77; }
work=$(mktemp -d /tmp/neurokv-parallel.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$neurokv" sweep "$spec" --out whole --jobs 1 --no-plots 2>/dev/null
# The documented line, with neurokv and the spec as variables:
parallel --halt now,fail=1 "$neurokv" sweep "$spec" --out out/shard-{} --shard {}/3 --jobs 1 --no-plots ::: 1 2 3 \
  && "$neurokv" sweep merge out/shard-{1,2,3} --out out/results --no-plots
for file in results.csv results.json; do
  cmp whole/$file out/results/$file || { echo "FAIL: merged $file differs"; exit 1; }
done
echo "parallel: 3 shards and their merge: results equal the unsharded run's byte for byte"

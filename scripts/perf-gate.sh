#!/usr/bin/env bash
# The performance gate (docs/performance.md, "The gate"): builds bench/perf_gate and runs it against the committed
# baseline of ratios; fails when a figure takes more than twice its baseline ratio to the reference computation in
# each of three runs.
# `scripts/perf-gate.sh --update` rewrites the baseline (after a deliberate change of speed; say so in the commit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
cmake --build build -j"$(nproc)" --target perf_gate > /dev/null
# Interleaved repetitions: a slow spell of the machine falls on the reference and the figures alike. A busy
# neighbour can still slow one run; a real regression shows in every run, so the gate fails only if each of three does.
for run in 1 2 3; do
  status=0
  build/bench/perf_gate bench/perf_gate_baseline.json --benchmark_color=false \
    --benchmark_enable_random_interleaving=true "$@" || status=$?
  [ "$status" -ne 1 ] && exit "$status"
  echo "perf_gate: run $run of 3 found a regression"
done
exit 1

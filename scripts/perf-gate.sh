#!/usr/bin/env bash
# The performance gate (docs/performance.md, "The gate"): builds bench/perf_gate and runs it against the committed
# baseline of ratios; fails when a figure takes more than twice its baseline ratio to the reference computation.
# `scripts/perf-gate.sh --update` rewrites the baseline (after a deliberate change of speed; say so in the commit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
cmake --build build -j"$(nproc)" --target perf_gate > /dev/null
build/bench/perf_gate bench/perf_gate_baseline.json --benchmark_color=false "$@"

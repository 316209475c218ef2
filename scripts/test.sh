#!/usr/bin/env bash
# Quick start 2/2: build and run the whole test suite (Catch2 tests under ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"

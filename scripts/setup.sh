#!/usr/bin/env bash
# Quick start 1/2: install what is missing, build, and run the main job on the built-in defaults
# (all eight attention variants of paper-300m on the akida2-like chip).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/neurokv

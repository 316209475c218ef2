#!/usr/bin/env bash
# Installs the Debian 12 packages neurokv builds and runs with. Needs root (or sudo); skips what is present.
set -euo pipefail
packages=(
  build-essential cmake
  libsystemc-dev libyaml-cpp-dev libfmt-dev libboost-graph-dev catch2 libcli11-dev nlohmann-json3-dev
  libbenchmark-dev libonnx-dev libprotobuf-dev protobuf-compiler gnuplot-nox libeigen3-dev
  libhwy-dev  # Highway: the integer executor's SIMD (simulator/functional/int_rows.cpp)
  libtbb-dev  # oneTBB: the executor's thread pool (simulator/functional/workers.cpp)
  libjemalloc-dev  # the neurokv command's allocator (cli/CMakeLists.txt)
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer
  python3-dev pybind11-dev python3-numpy python3-pytest  # the Python module and its tests (docs/python.md)
  python3-matplotlib python3-pandas                      # docs/examples/python, Report.to_pandas()
  slurm-wlm munge parallel python3-distributed pkg-config # cluster sweep tests (docs/sweeps.md), install test
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

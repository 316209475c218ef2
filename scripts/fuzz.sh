#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz (NEUROKV_FUZZ=ON: ASan + UBSan + coverage) and runs each
# for SECONDS (default 60), seeded with the committed corpus (tests/fuzz/corpus/TARGET: inputs earlier runs found
# interesting), the shipped configs, compiled programs and the bad-input corpus.
# A crash, leak, UB report, 10 s hang or 2 GB input stops the run; its input is left in build-fuzz/artifacts/.
# With --update-corpus, the inputs of this run that add coverage (libFuzzer -merge=1, at most 4 KiB each) are
# merged into tests/fuzz/corpus/TARGET, to be committed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
update_corpus=0
[ "${2:-}" = "--update-corpus" ] && update_corpus=1
root="$PWD"
# A unity build, as scripts/test-sanitized.sh's, for the same reason.
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEUROKV_FUZZ=ON \
  -DNEUROKV_BENCH=OFF -DCMAKE_UNITY_BUILD=ON >/dev/null
targets=(fuzz_model fuzz_hw fuzz_ir fuzz_sweep_spec fuzz_onnx fuzz_weights fuzz_executor)
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

# Seeds: what each parser reads in real use, plus the corpus of inputs it must refuse.
seeds="build-fuzz/seeds"
mkdir -p "$seeds"/{model,hw,ir,sweep_spec,onnx,weights,executor}
cp models/*.yaml tests/bad_inputs/model/*.yaml "$seeds/model/" 2>/dev/null || true
cp hwconfigs/*.yaml tests/bad_inputs/hw/*.yaml "$seeds/hw/" 2>/dev/null || true
cp docs/examples/*.yaml tests/bad_inputs/sweep/*.yaml "$seeds/sweep_spec/" 2>/dev/null || true
cp tests/bad_inputs/ir/*.nkir "$seeds/ir/" 2>/dev/null || true
[ -x build/neurokv ] && build/neurokv compile -m edge-tiny -v MQA -n 64 -o "$seeds/ir/edge-tiny.nkir" >/dev/null
cp tests/bad_inputs/ir/tiny.yaml "$seeds/model/"
cp tests/fixtures/onnx/*.onnx "$seeds/onnx/"
printf "3,10,17,24,31,38" >"$seeds/executor/ids"
[ -x build/neurokv ] && build/neurokv compile -m tests/fixtures/onnx/q-k=v.onnx -o "$seeds/weights/q-k=v.nkir" >/dev/null &&
  rm "$seeds/weights/q-k=v.nkir"

mkdir -p build-fuzz/artifacts
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
for target in "${targets[@]}"; do
  name="${target#fuzz_}"
  corpus="build-fuzz/corpus/$name"
  mkdir -p "$corpus" "tests/fuzz/corpus/$name"
  echo "== $target: ${seconds}s"
  # -timeout: an input slower than 10 s is a hang; -rss_limit_mb: one that needs 2 GB is a finding too.
  status=0
  "build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$root/build-fuzz/artifacts/$name-" -print_final_stats=1 \
    "$corpus" "tests/fuzz/corpus/$name" "$seeds/$name" \
    >"build-fuzz/$name.log" 2>&1 || status=$?
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|ERROR|SUMMARY|artifact" "build-fuzz/$name.log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "build-fuzz/$name.log"
    exit "$status"
  fi
  if [ "$update_corpus" = 1 ]; then
    "build-fuzz/tests/fuzz/$target" -merge=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      "tests/fuzz/corpus/$name" "$corpus" >"build-fuzz/$name.merge.log" 2>&1
    echo "tests/fuzz/corpus/$name: $(ls "tests/fuzz/corpus/$name" | wc -l) inputs"
  fi
done

#!/usr/bin/env bash
# Regenerates tests/golden/ with the built neurokv (build/neurokv, or $NEUROKV): for edge-tiny and paper-300m on
# the default chip, every variant's program (MODEL/VARIANT.nkir, what `compile -o` writes) and the Graph IR text
# after each pass (MODEL/VARIANT/NN-PASS.txt, what `compile --print-after-dir` writes); for the CNN ds-cnn-kws
# on akd1000-like, the same for each mapping mode (MODEL/MODE.nkir, MODEL/MODE/). Run it after a deliberate
# change to what the compiler emits, then read `git diff --stat tests/golden` and commit the goldens with the
# change. tests/e2e/test_goldens.cpp compares against them.
set -euo pipefail
cd "$(dirname "$0")/.."
neurokv=${NEUROKV:-build/neurokv}
for model in edge-tiny paper-300m; do
  groups=$(sed -n 's/^kv_groups: *\([0-9]*\).*/\1/p' "models/$model.yaml")
  rm -rf "tests/golden/$model"
  mkdir -p "tests/golden/$model"
  for variant in QKV Q-K=V Q=K-V Q=K=V "GQA-$groups" MQA "Q-GQA-$groups" Q-MQA; do
    dir="tests/golden/$model/$variant"
    "$neurokv" compile --model "$model" --variant "$variant" -o "$dir.nkir" --print-after-dir "$dir" >/dev/null
    rm "$dir/09-lower.nkir"  # the program itself: kept once, as $dir.nkir
  done
done
model=ds-cnn-kws
rm -rf "tests/golden/$model"
mkdir -p "tests/golden/$model"
for mode in minimal allnps; do
  dir="tests/golden/$model/$mode"
  "$neurokv" compile --model "$model" --hw akd1000-like --map-mode "$mode" -o "$dir.nkir" --print-after-dir "$dir" \
    >/dev/null
  rm "$dir/04-lower.nkir"
done
du -sh tests/golden

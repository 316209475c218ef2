#!/usr/bin/env bash
# Whether two neurokv binaries write the same bytes (a speed change must not change a byte of output,
# docs/performance.md). By default: the estimate of every transformer model on two chips, with and without a
# prefill (stdout + stderr, JSON, CSV), paper-1.2b's eight variants, a CNN estimate, and results.csv/results.json
# of the cost-only and the mesh sweeps (≈ 30 s). With --simulations: what the simulators write instead (none of
# the above simulates): the main job; `run` of five transformer models on the three shipped chips, every variant
# over three decode tokens and two without a prefill at another seed (stdout + stderr, JSON, CSV); paper-1.2b;
# Chrome traces and VCDs of transaction runs; the cycle fidelity with a trace and a VCD; `simulate` of a compiled
# program (≈ 3 min a binary). A VCD's second line, the date it was written, is left out.
# Usage: scripts/same-output.sh [--simulations] OLD_BINARY NEW_BINARY; exit 1 on any difference.
set -uo pipefail
what=estimates
if [ "${1:-}" = --simulations ]; then
  what=simulations
  shift
fi
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: $0 [--simulations] OLD_BINARY NEW_BINARY (two executable neurokv binaries)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
estimates() {  # BINARY DIR
  local bin=$1 dir=$2
  for m in edge-tiny gemma-3-270m gemma4-like llama-3.2-1b paper-1.2b paper-300m qwen2.5-0.5b smollm2-135m; do
    for hw in akd1000-like akida2-like; do
      for p in 0 60; do
        f=$dir/e-$m-$hw-$p
        "$bin" estimate --model $m --hw $hw --variant all --context 512 --prompt $p --json $f.json --csv $f.csv \
          > $f.txt 2>&1
        echo "exit $?" >> $f.txt
      done
    done
  done
  "$bin" estimate --model paper-1.2b --variant all > "$dir/e-paper-1.2b.txt" 2>&1
  "$bin" estimate --model akidanet-0.5-224 > "$dir/e-cnn.txt" 2>&1
  for spec in energy-100k-300m mesh-1000-300m; do
    "$bin" sweep docs/examples/$spec.yaml --out "$dir/$spec" -j 2 --no-plots > /dev/null 2>&1
    rm -f "$dir/$spec/journal.csv"  # its rows are in completion order, which threads decide
  done
}
simulations() {  # BINARY DIR
  local bin=$1 dir=$2
  run() {  # NAME ARGUMENTS...: stdout and stderr to NAME.txt, with the exit code
    local name=$1
    shift
    "$bin" "$@" > "$dir/$name.txt" 2>&1
    echo "exit $?" >> "$dir/$name.txt"
  }
  run main
  for m in edge-tiny paper-300m smollm2-135m gemma-3-270m qwen2.5-0.5b; do
    for hw in akida2-like akd1000-like akd1500-like; do
      run r-$m-$hw run --model $m --hw $hw --variant all --context 256 --tokens 3 \
        --json "$dir/r-$m-$hw.json" --csv "$dir/r-$m-$hw.csv"
      run r-$m-$hw-p0 run --model $m --hw $hw --variant Q-K=V,GQA-2 --context 128 --prompt 0 --tokens 2 \
        --seed 7 --json "$dir/r-$m-$hw-p0.json"
    done
  done
  run r-paper-1.2b run --model paper-1.2b --variant all --context 512 --json "$dir/r-paper-1.2b.json"
  run trace-edge-tiny run --model edge-tiny --variant all --context 64 --tokens 2 --trace "$dir/t.json" \
    --vcd "$dir/t.vcd"
  run trace-paper-300m run --model paper-300m --variant Q-K=V --context 512 --trace "$dir/t300.json" \
    --vcd "$dir/t300.vcd"
  for m in edge-tiny smollm2-135m; do
    run cycle-$m run --model $m --variant all --context 64 --tokens 2 --fidelity cycle --json "$dir/c-$m.json"
  done
  run trace-cycle run --model edge-tiny --variant QKV --context 32 --fidelity cycle --trace "$dir/ct.json" \
    --vcd "$dir/ct.vcd"
  "$bin" compile --model paper-300m --variant Q-MQA -o "$work/program.nkir" > /dev/null 2>&1
  run simulate simulate "$work/program.nkir" --prompt 100 --tokens 3
}
outputs() {  # BINARY DIR
  mkdir -p "$2"
  $what "$(realpath "$1")" "$2"
}
outputs "$1" "$work/old"
outputs "$2" "$work/new"
status=0
files=$(cd "$work/old" && find . -type f | sort)
for f in $files; do
  case $f in
    *.vcd) cmp -s <(sed 2d "$work/old/$f") <(sed 2d "$work/new/$f") ;;
    *) cmp -s "$work/old/$f" "$work/new/$f" ;;
  esac || { echo "differs: $f"; status=1; }
done
echo "same-output ($what): $(echo "$files" | wc -l) files compared, $([ $status -eq 0 ] && echo all identical || echo some differ)"
exit $status

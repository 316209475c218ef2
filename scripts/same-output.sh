#!/usr/bin/env bash
# Whether two neurokv binaries write the same bytes (a speed change must not change a byte of output,
# docs/performance.md): the estimate of every transformer model on two chips, with and without a prefill
# (stdout + stderr, JSON, CSV), paper-1.2b's eight variants, a CNN estimate, and results.csv/results.json of the
# cost-only and the mesh sweeps. Usage: scripts/same-output.sh OLD_BINARY NEW_BINARY; exit 1 on any difference.
set -uo pipefail
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: $0 OLD_BINARY NEW_BINARY (two executable neurokv binaries)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
outputs() {  # BINARY DIR
  local bin=$1 dir=$2
  mkdir -p "$dir"
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
outputs "$(realpath "$1")" "$work/old"
outputs "$(realpath "$2")" "$work/new"
status=0
files=$(cd "$work/old" && find . -type f | sort)
for f in $files; do
  cmp -s "$work/old/$f" "$work/new/$f" || { echo "differs: $f"; status=1; }
done
echo "same-output: $(echo "$files" | wc -l) files compared, $([ $status -eq 0 ] && echo all identical || echo some differ)"
exit $status

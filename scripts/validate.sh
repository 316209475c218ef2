#!/usr/bin/env bash
# Compares the analytic estimate with the transaction-level simulation on cases with and without
# contention, then every variant of edge-tiny and paper-300m on every shipped chip. Prints Markdown tables;
# docs/validation.md holds their output. Agreement between two of neurokv's own models is consistency, not
# validation against silicon. Needs a built build/neurokv.
set -euo pipefail
cd "$(dirname "$0")/.."
neurokv=build/neurokv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# chip NAME KEY=VALUE...: a copy of akida2-like with some values replaced.
chip() {
  local name=$1; shift
  cp hwconfigs/akida2-like.yaml "$tmp/$name.yaml"
  for kv in "$@"; do
    local key=${kv%%=*} value=${kv#*=}
    sed -i -E "s|^(  *${key}: \{value: )[^,]*,|\1${value},|" "$tmp/$name.yaml"
  done
  echo "$tmp/$name.yaml"
}

wide=$(chip wide link_bytes_per_cycle=1.0e6 bandwidth_bytes_per_s=1.0e15)
narrow=$(chip narrow link_bytes_per_cycle=1)
slow_dram=$(chip slow-dram bandwidth_bytes_per_s=1.6e9 burst_bytes=4096)

echo "| case | model | variant | context | analytic cycles | transaction cycles | Δ cycles | analytic energy | transaction energy | Δ energy |"
echo "|---|---|---|---|---|---|---|---|---|---|"
row() {
  local label=$1 model=$2 variant=$3 context=$4 hw=$5
  "$neurokv" run --model "$model" --variant "$variant" --context "$context" --hw "$hw" --fidelity analytic --json "$tmp/a.json" >/dev/null
  "$neurokv" run --model "$model" --variant "$variant" --context "$context" --hw "$hw" --fidelity transaction --json "$tmp/c.json" >/dev/null
  python3 - "$label" "$model" "$context" "$tmp/a.json" "$tmp/c.json" <<'PY'
import json, sys
label, model, context, a, c = sys.argv[1:]
pct = lambda x, y: f"{(y - x) / x * 100:+.1f}%"
for va, vc in zip(json.load(open(a))["variants"], json.load(open(c))["variants"]):
    da, dc = va["decode"], vc["decode"]
    print(f"| {label} | {model} | {va['variant']} | {context} | {da['cycles']:,.0f} | {dc['cycles']:,.0f} | {pct(da['cycles'], dc['cycles'])} "
          f"| {da['energy_j']*1e6:,.1f} µJ | {dc['energy_j']*1e6:,.1f} µJ | {pct(da['energy_j'], dc['energy_j'])} |")
PY
}

for v in QKV Q-K=V MQA; do row "no contention (links 1e6 B/cycle, DRAM 1e15 B/s)" edge-tiny "$v" 512 "$wide"; done
for v in QKV Q-K=V; do row "no contention (links 1e6 B/cycle, DRAM 1e15 B/s)" paper-300m "$v" 2048 "$wide"; done
for v in QKV Q-K=V MQA; do row "akida2-like as shipped" edge-tiny "$v" 512 akida2-like; done
for v in QKV Q-K=V; do row "akida2-like as shipped" paper-300m "$v" 2048 akida2-like; done
for v in QKV Q-K=V; do row "narrow links (1 B/cycle)" edge-tiny "$v" 512 "$narrow"; done
for v in QKV Q-K=V; do row "slow DRAM (1.6 GB/s, 4 KiB bursts)" paper-300m "$v" 2048 "$slow_dram"; done

echo
echo "| chip | model | variant | context | analytic cycles | transaction cycles | Δ cycles | analytic energy | transaction energy | Δ energy |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for hw in akida2-like akd1500-like akd1000-like; do
  for case in "edge-tiny 512" "paper-300m 2048"; do
    set -- $case
    row "$hw" "$1" all "$2" "$hw"
    cp "$tmp/a.json" "$tmp/ties-$hw-$1-a.json"
    cp "$tmp/c.json" "$tmp/ties-$hw-$1-c.json"
  done
done

# The energy ranking's near ties: pairs of variants the estimate puts within 1 % of each other (the tolerance
# of tests/unit/test_chip_model.cpp), with the transaction fidelity's gap for the same pair.
echo
echo "| chip | model | lower (analytic) | higher (analytic) | analytic gap | transaction gap | same order |"
echo "|---|---|---|---|---|---|---|"
python3 - "$tmp" <<'PY'
import glob, json, os, sys
for a_path in sorted(glob.glob(os.path.join(sys.argv[1], "ties-*-a.json"))):
    name = os.path.basename(a_path)[len("ties-"):-len("-a.json")]
    hw, model = (name[:name.index("-like") + 5], name[name.index("-like") + 6:])
    a = {v["variant"]: v["decode"]["energy_j"] for v in json.load(open(a_path))["variants"]}
    c = {v["variant"]: v["decode"]["energy_j"] for v in json.load(open(a_path[:-6] + "c.json"))["variants"]}
    for x in a:
        for y in a:
            if a[x] < a[y] <= a[x] / (1 - 0.01):
                print(f"| {hw} | {model} | {x} | {y} | {(a[y] / a[x] - 1) * 100:+.2f}% | {(c[y] / c[x] - 1) * 100:+.2f}% "
                      f"| {'yes' if c[x] < c[y] else 'no'} |")
PY

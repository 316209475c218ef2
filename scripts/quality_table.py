#!/usr/bin/python3
"""Prints docs/quality.md's table: for every trained byte-level model (models/trained/), the float and integer
perplexity on the held-out text, the densities the integer execution measured at each site, and the energy
per decode token and KV bytes `neurokv estimate` gives with those measured events.

    /usr/bin/python3 scripts/quality_table.py [build/neurokv]
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TRAINED = os.path.join(ROOT, "models", "trained")
MODELS = ["qkv", "q-k=v", "mqa", "q-mqa"]
SITES = ["attn_in", "query", "attn_probs", "attn_out", "mlp_in", "mlp_hidden", "lm_head_in"]
CONTEXT = 128


def neurokv(binary, *args):
    run = subprocess.run([binary, *args], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "neurokv"))
    heldout = os.path.join(TRAINED, "heldout.txt")
    calibration = os.path.join(TRAINED, "calibration.txt")
    with open(heldout, "rb") as f, tempfile.NamedTemporaryFile(suffix=".txt") as window:
        window.write(f.read(CONTEXT))  # estimate measures one sequence: the held-out text's first window
        window.flush()
        columns = (["model", "variant", "float ppl", "int ppl", "int/float", "top-1"] + SITES
                   + ["energy/token (measured)", "energy/token (assumed)", "KV bytes/token"])
        print("| " + " | ".join(columns) + " |")
        print("|" + "---|" * len(columns))
        for name in MODELS:
            model = os.path.join(TRAINED, f"byte-{name}.onnx")
            ex = neurokv(binary, "exec", "-m", model, "--text", heldout, "--windows", "--context", str(CONTEXT),
                         "--calibration", calibration, "--json", "-")
            measured = neurokv(binary, "estimate", "-m", model, "--context", str(CONTEXT), "--text", window.name,
                               "--json", "-")["variants"][0]
            assumed = neurokv(binary, "estimate", "-m", model, "--context", str(CONTEXT), "--json",
                              "-")["variants"][0]
            density = [f"{ex['densities'][s]['density']:.3f}" for s in SITES]
            print(f"| byte-{name} | {ex['variant']} | {ex['perplexity'] / ex['perplexity_vs_float']:.3f} | "
                  f"{ex['perplexity']:.3f} | {ex['perplexity_vs_float']:.4f} | {100 * ex['top1_agreement']:.1f} % | "
                  + " | ".join(density)
                  + f" | {measured['decode']['energy_j'] * 1e6:.3f} µJ | {assumed['decode']['energy_j'] * 1e6:.3f} µJ"
                  f" | {measured['kv_cache_bytes_per_token']} |")


if __name__ == "__main__":
    main()

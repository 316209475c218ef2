#!/usr/bin/python3
"""Float execution of each trained model (models/trained/byte-*.onnx) by neurokv's executor beside PyTorch's CPU
forward of the same ONNX file, in one run (docs/performance.md "Executor").

The workload: the held-out text's first window of 128 bytes, every position's logits. neurokv: bench_exec's
trained_window benchmarks (Google Benchmark, the executor alone: the program compiled and the weights loaded
before the timing). PyTorch: scripts/gpt_torch.py's Gpt with the ONNX file's initializers loaded into it (each
MatMul weight is named by the bias its output is added to; the LM head is the tied token table), one thread like
the executor, timed as the median of repeated forwards under torch.no_grad(). Each model's two timings run one
right after the other, so a changing load (other jobs on the machine) moves both alike. Before timing, the two are checked
to be the same model: PyTorch's logits against `neurokv exec --numerics float` (max over the last position's
vocabulary, relative to its largest logit).

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/exec_vs_torch.py [BUILD_DIR]   # default: build
"""
import json
import os
import statistics
import subprocess
import sys
import time

import onnx
import onnx.numpy_helper
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from gpt_torch import Gpt, Shape  # noqa: E402
from train_byte_models import EXPORT, SHAPE, VARIANTS  # noqa: E402

TRAINED = os.path.join(ROOT, "models", "trained")
WINDOW = 128


def torch_model(name):
    """scripts/gpt_torch.py's model of the variant, holding the ONNX file's weights."""
    graph = onnx.load(os.path.join(TRAINED, f"byte-{name}.onnx")).graph
    values = {i.name: torch.from_numpy(onnx.numpy_helper.to_array(i).copy()) for i in graph.initializer}
    consumers = {}
    for node in graph.node:
        for x in node.input:
            consumers.setdefault(x, []).append(node)
    state = {n: v for n, v in values.items() if not n.startswith("onnx::")}
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in values:
            continue
        biases = [x for add in consumers.get(node.output[0], []) if add.op_type == "Add"
                  for x in add.input if x in values and x.endswith(".bias")]
        if biases:  # [in, out] in the graph, [out, in] in the module
            state[biases[0][:-len(".bias")] + ".weight"] = values[node.input[1]].t().contiguous()
    model = Gpt(dict(VARIANTS[name], **EXPORT), SHAPE)
    model.load_state_dict(state, strict=True)
    return model.eval()


def neurokv_logits(build, name, ids):
    out = subprocess.run([os.path.join(build, "neurokv"), "exec", "-m", os.path.join(TRAINED, f"byte-{name}.onnx"),
                          "--context", str(WINDOW), "--numerics", "float", "--ids", ",".join(map(str, ids)),
                          "--json", "-"], check=True, capture_output=True, text=True).stdout
    return torch.tensor(json.loads(out)["logits"])


def neurokv_time(build, name):
    """bench_exec's trained_window benchmark of the model: median (wall, CPU) ms of 5 repetitions."""
    pattern = "trained_window/byte - " + name.replace("-", " - ").replace("=", " = ") + " float$"
    out = subprocess.run([os.path.join(build, "bench", "bench_exec"), "--benchmark_filter=" + pattern,
                          "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true",
                          "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
    for b in json.loads(out)["benchmarks"]:
        if b["aggregate_name"] == "median":
            return b["real_time"], b["cpu_time"]
    raise RuntimeError(f"bench_exec ran no trained_window benchmark for {name}")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    torch.set_num_threads(1)
    ids = list(open(os.path.join(TRAINED, "heldout.txt"), "rb").read()[:WINDOW])
    x = torch.tensor([ids])
    print(f"{'model':<12} {'neurokv float ms':>17} {'(cpu)':>7} {'PyTorch ms':>11} {'(cpu)':>7} {'ratio':>6} "
          f"{'(cpu)':>6} {'max rel diff':>13}")
    for name in VARIANTS:
        model = torch_model(name)
        with torch.no_grad():
            logits = model(x)[0]
            last = logits[-1]
            ref = neurokv_logits(build, name, ids)
            diff = (last - ref).abs().max().item() / ref.abs().max().item()
            wall, cpu = [], []
            for _ in range(30):
                w, c = time.perf_counter(), time.process_time()
                model(x)
                wall.append(time.perf_counter() - w)
                cpu.append(time.process_time() - c)
        nk_wall, nk_cpu = neurokv_time(build, name)  # right after PyTorch's: the same load for both
        t_wall, t_cpu = 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)
        print(f"byte-{name:<7} {nk_wall:>17.2f} {nk_cpu:>7.2f} {t_wall:>11.2f} {t_cpu:>7.2f} {nk_wall / t_wall:>6.2f} "
              f"{nk_cpu / t_cpu:>6.2f} {diff:>13.2e}")


if __name__ == "__main__":
    main()

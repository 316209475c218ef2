#!/usr/bin/python3
"""Seeded mutations of the ONNX fixtures for the bad-input corpus (docs/reliability.md).

Writes tests/bad_inputs/onnx/*.onnx and tests/bad_inputs/onnx/manifest.txt. Each mutation damages one thing a
real export can get wrong: a dropped node, a dangling or renamed tensor name, an initializer's shape, element
type or a huge dimension, an op changed into another, a missing initializer. Every mutated graph keeps its
weights in an external data file (the fixture's own, or one per base model here), so each case is ~40 KB.

The neurokv binary decides what goes in: a mutation it refuses with exit 2 becomes a case whose expected text
is the message's place (file and node or tensor); one it accepts (some mutations leave a valid model) is
dropped and listed; any other exit is a bug and is listed as such (fix it, rerun). The output is committed, so
CI needs neither this script nor python3-onnx (Debian's, 1.12):

    /usr/bin/python3 scripts/make_onnx_mutations.py build/neurokv
"""
import os
import random
import subprocess
import sys

import onnx
from onnx import TensorProto
from onnx.external_data_helper import convert_model_to_external_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "onnx")
CORPUS = os.path.join(ROOT, "tests", "bad_inputs")
OUT = os.path.join(CORPUS, "onnx")
SEED = 19
PER_KIND = 10
BASES = ["qkv-external", "gqa-2", "mixed", "q=k=v"]
EXTERNAL = {"qkv-external": "../../fixtures/onnx/qkv-external.data"}


def load_base(name):
    """The fixture with every initializer in an external data file beside the mutations."""
    if name in EXTERNAL:
        model = onnx.load(os.path.join(FIXTURES, name + ".onnx"), load_external_data=False)
        for tensor in model.graph.initializer:
            for entry in tensor.external_data:
                if entry.key == "location":
                    entry.value = EXTERNAL[name]
        return model
    model = onnx.load(os.path.join(FIXTURES, name + ".onnx"))
    convert_model_to_external_data(model, all_tensors_to_one_file=True, location=name + ".data",
                                   size_threshold=0)
    staged = os.path.join(OUT, name + "-base.onnx")
    onnx.save(model, staged)  # writes OUT/NAME.data
    model = onnx.load(staged, load_external_data=False)
    os.remove(staged)
    return model


def computing_nodes(graph):
    return [n for n in graph.node if n.op_type != "Constant"]


def drop_node(graph, rng):
    node = rng.choice(computing_nodes(graph))
    graph.node.remove(node)
    return f"node {node.name} dropped"


def dangling_input(graph, rng):
    node = rng.choice([n for n in computing_nodes(graph) if n.input])
    i = rng.randrange(len(node.input))
    node.input[i] = f"dangling_{rng.randrange(1000)}"
    return f"node {node.name} input {i} dangling"


def renamed_output(graph, rng):
    node = rng.choice([n for n in computing_nodes(graph) if n.output])
    node.output[0] = node.output[0] + "_renamed"
    return f"node {node.name} output renamed"


def dropped_initializer(graph, rng):
    tensor = rng.choice(list(graph.initializer))
    graph.initializer.remove(tensor)
    return f"initializer {tensor.name} dropped"


def changed_shape(graph, rng):
    tensor = rng.choice(list(graph.initializer))
    d = rng.randrange(len(tensor.dims))
    tensor.dims[d] = rng.choice([tensor.dims[d] + 1, tensor.dims[d] * 2, max(1, tensor.dims[d] // 2), 0])
    return f"initializer {tensor.name} dim {d} changed"


def changed_dtype(graph, rng):
    tensor = rng.choice(list(graph.initializer))
    tensor.data_type = rng.choice([TensorProto.FLOAT16, TensorProto.INT8, TensorProto.STRING, TensorProto.BOOL,
                                   TensorProto.DOUBLE, TensorProto.UINT8, TensorProto.COMPLEX64, 0, 99])
    return f"initializer {tensor.name} element type changed"


def huge_dims(graph, rng):
    tensor = rng.choice(list(graph.initializer))
    del tensor.dims[:]
    tensor.dims.extend(rng.choice([[1 << 62], [1 << 31, 1 << 31], [1 << 40, 1 << 40, 1 << 40], [-1, 64],
                                   [(1 << 63) - 1], [1 << 20, 1 << 20]]))
    return f"initializer {tensor.name} huge dims"


def changed_op(graph, rng):
    nodes = computing_nodes(graph)
    node = rng.choice([n for n in nodes if n.op_type in ("MatMul", "Softmax", "Add", "Div", "ReduceMean",
                                                          "Erf", "Gather", "Transpose", "Reshape", "Where")])
    old = node.op_type
    node.op_type = rng.choice(["Relu", "Sin", "MatMul", "Add", "Softmax", "Identity", "Gemm", "Tanh"])
    return f"node {node.name} op {old} changed to {node.op_type}"


KINDS = [drop_node, dangling_input, renamed_output, dropped_initializer, changed_shape, changed_dtype, huge_dims,
         changed_op]


def message(neurokv, case):
    run = subprocess.run([neurokv, "estimate", "-m", case], cwd=CORPUS, capture_output=True, text=True,
                         errors="replace", timeout=60)
    return run.returncode, run.stderr.strip()


def place(text):
    """The message's place: up to the first ': ' after the file name's, e.g. "onnx/x.onnx: node 'n' (Add)"."""
    body = text[len("neurokv: error: "):]
    head, _, rest = body.partition(": ")
    second = rest.split(": ")[0] if rest.startswith(("node ", "tensor ")) else ""
    return (head + ": " + second) if second else head + ":"


def main():
    neurokv = os.path.abspath(sys.argv[1])
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".onnx"):
            os.remove(os.path.join(OUT, old))
    rng = random.Random(SEED)
    lines, accepted, bugs = [], [], []
    for base in BASES:
        template = load_base(base)
        for kind in KINDS:
            for n in range(PER_KIND):
                model = onnx.ModelProto()
                model.CopyFrom(template)
                what = kind(model.graph, rng)
                name = f"{base}-{kind.__name__}-{n}"
                case = f"onnx/{name}.onnx"
                with open(os.path.join(CORPUS, case), "wb") as f:
                    f.write(model.SerializeToString())
                code, text = message(neurokv, case)
                if code == 2 and text.startswith("neurokv: error: ") and "\n" not in text:
                    lines.append(f"{case[:-5]} | estimate -m {case} | {place(text)}")
                    continue
                os.remove(os.path.join(CORPUS, case))
                (accepted if code == 0 else bugs).append(f"{name} ({what}): exit {code}: {text[:300]}")
    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write("# Generated by scripts/make_onnx_mutations.py (seed %d): do not edit; rerun it.\n" % SEED)
        f.write("# name | neurokv arguments, run from tests/bad_inputs | the message's place\n")
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} cases; {len(accepted)} mutations accepted (dropped); {len(bugs)} other exits")
    for line in accepted + bugs:
        print("  " + line)
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())

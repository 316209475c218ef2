#!/usr/bin/python3
"""Trains the paper's architecture (arXiv 2606.04032: learned positions, pre-LayerNorm, GELU, tied LM head) as
small byte-level models, one per attention variant, with the same shape, data, seed, hyperparameters and steps,
and exports each to ONNX for neurokv (models/trained/byte-<variant>.onnx). Never part of CI.

Data every Debian machine has: the training text is the top-level modules of Python's standard library
(sorted, concatenated as bytes: a byte is a token); the held-out text is a different package of it, `email/`,
never seen in training. The first HELDOUT_BYTES of the held-out text are committed beside the models
(models/trained/heldout.txt) so the quality test runs on the same bytes on any machine, and so is a sample of
the training text the integer numerics calibrate their activation scales on (models/trained/calibration.txt).

Run with Debian's Python (python3-torch, python3-onnx; libopenblas0-openmp makes it several times faster):
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/train_byte_models.py [--steps N] [--only NAME ...]
    /usr/bin/python3 scripts/train_byte_models.py --texts-only   # heldout.txt and calibration.txt only
It writes models/trained/training.json: per model, PyTorch's held-out loss and perplexity, parameters, steps,
and the wall time of its training on this machine.
"""
import argparse
import glob
import json
import math
import os
import sys
import sysconfig
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt_torch import Gpt, Shape, export, parameters  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "trained")
SHAPE = Shape(layers=3, d_model=96, heads=4, head_dim=24, mlp=384, vocab=256, positions=128)
BATCH, STEPS, LR, WARMUP, WEIGHT_DECAY, CLIP, SEED = 16, 600, 3e-3, 60, 0.1, 1.0, 0
INIT_STD = 0.02  # GPT-2's initialisation: N(0, 0.02) weights and embeddings, zero biases
HELDOUT_BYTES, EVAL_WINDOWS = 16384, 128
CALIBRATION_OFFSET, CALIBRATION_BYTES = 1 << 20, 4096  # a sample of the training text: integer scales

EXPORT = dict(gelu="none", mask="where", scale="div", repeat="expand")
VARIANTS = {
    "qkv": dict(variant="QKV", kv_heads=4, q_is_k=False, v_is_k=False),
    "q-k=v": dict(variant="Q-K=V", kv_heads=4, q_is_k=False, v_is_k=True),
    "mqa": dict(variant="MQA", kv_heads=1, q_is_k=False, v_is_k=False),
    "q-mqa": dict(variant="Q-MQA", kv_heads=1, q_is_k=False, v_is_k=True),
}


def read_bytes(paths):
    return b"".join(open(p, "rb").read() for p in sorted(paths))


def texts():
    stdlib = sysconfig.get_paths()["stdlib"]
    train = read_bytes(glob.glob(os.path.join(stdlib, "*.py")))
    heldout = read_bytes(glob.glob(os.path.join(stdlib, "email", "*.py")))
    return torch.tensor(list(train), dtype=torch.long), heldout


def learning_rate(step):
    """Linear warm-up, then cosine decay to a tenth."""
    if step < WARMUP:
        return LR * (step + 1) / WARMUP
    progress = (step - WARMUP) / max(1, STEPS - WARMUP)
    return LR * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def heldout_loss(model, heldout):
    """Mean next-byte loss (nats) over EVAL_WINDOWS non-overlapping windows of the held-out text."""
    data = torch.tensor(list(heldout), dtype=torch.long)
    n = SHAPE.positions
    windows = torch.stack([data[i * n:(i + 1) * n + 1] for i in range(EVAL_WINDOWS)])
    with torch.no_grad():
        logits = model(windows[:, :-1])
        return F.cross_entropy(logits.reshape(-1, SHAPE.vocab), windows[:, 1:].reshape(-1)).item()


def train(name, form, train_data, heldout, steps):
    torch.manual_seed(SEED)
    model = Gpt(dict(form, **EXPORT), SHAPE)
    for parameter_name, parameter in model.named_parameters():
        if parameter_name.endswith("bias"):
            torch.nn.init.zeros_(parameter)
        elif parameter.dim() >= 2:
            torch.nn.init.normal_(parameter, std=INIT_STD)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    rest = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                                   {"params": rest, "weight_decay": 0.0}], lr=LR, betas=(0.9, 0.95))
    batches = torch.Generator().manual_seed(SEED)  # the same batches for every variant
    n = SHAPE.positions
    start = time.monotonic()
    model.train()
    for step in range(steps):
        offsets = torch.randint(0, len(train_data) - n - 1, (BATCH,), generator=batches)
        chunk = torch.stack([train_data[o:o + n + 1] for o in offsets.tolist()])
        logits = model(chunk[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, SHAPE.vocab), chunk[:, 1:].reshape(-1))
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        if step % 100 == 0 or step == steps - 1:
            print(f"{name}: step {step} loss {loss.item():.3f} ({time.monotonic() - start:.0f} s)", flush=True)
    seconds = time.monotonic() - start
    model.eval()
    loss = heldout_loss(model, heldout)
    path = os.path.join(OUT, f"byte-{name}.onnx")
    export(model, path, opset=17)
    return dict(variant=form["variant"], kv_heads=form["kv_heads"], parameters=parameters(model), steps=steps,
                train_seconds=round(seconds, 1), heldout_loss=round(loss, 4), heldout_perplexity=round(math.exp(loss), 3),
                onnx_bytes=os.path.getsize(path))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--only", nargs="*", choices=sorted(VARIANTS), help="train only these variants")
    parser.add_argument("--texts-only", action="store_true", help="write heldout.txt and calibration.txt only")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    train_data, heldout = texts()
    with open(os.path.join(OUT, "heldout.txt"), "wb") as f:
        f.write(heldout[:HELDOUT_BYTES])
    with open(os.path.join(OUT, "calibration.txt"), "wb") as f:
        f.write(bytes(train_data[CALIBRATION_OFFSET:CALIBRATION_OFFSET + CALIBRATION_BYTES].tolist()))
    if args.texts_only:
        return
    summary_path = os.path.join(OUT, "training.json")
    summary = json.load(open(summary_path)) if os.path.exists(summary_path) else {}
    summary["setup"] = dict(shape=SHAPE.__dict__, batch=BATCH, lr=LR, warmup=WARMUP, weight_decay=WEIGHT_DECAY,
                            clip=CLIP, seed=SEED, train_bytes=len(train_data), heldout_bytes=len(heldout),
                            eval_windows=EVAL_WINDOWS, torch=torch.__version__, threads=torch.get_num_threads())
    for name in args.only or VARIANTS:
        summary[name] = train(name, VARIANTS[name], train_data, heldout, args.steps)
        print(json.dumps({name: summary[name]}), flush=True)
        with open(summary_path, "w") as f:
            json.dump(summary, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()

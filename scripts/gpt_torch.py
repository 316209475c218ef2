"""The paper's GPT-2-style block in PyTorch (arXiv 2606.04032): learned positions, pre-LayerNorm, GELU MLP, an LM
head tied to the token embedding, and attention in any of the paper's variants. Shared by the ONNX fixtures
(tests/fixtures/make_onnx_fixtures.py) and the trained byte-level models (scripts/train_byte_models.py), so both
export the forms the importer recognises.

A `form` says how one layer's attention is built and exported: kv_heads, q_is_k (Q=K), v_is_k (K=V), and the
export choices gelu ("none" = erf, "tanh"), mask ("where" or "add"), scale ("div" or "mul"), repeat ("expand" or
"interleave" for shared KV heads), and optionally fused: one c_attn projection split into q, k and v, as
nanoGPT writes it (True), or with every projection a Hugging Face GPT-2 Conv1D ("conv1d").
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class Shape:
    layers: int
    d_model: int
    heads: int
    head_dim: int
    mlp: int
    vocab: int
    positions: int


class Conv1D(nn.Module):
    """Hugging Face GPT-2's Conv1D: a Linear with its weight stored [in, out], applied by torch.addmm on the
    tokens flattened to 2-D (exported as Reshape, Gemm, Reshape)."""

    def __init__(self, d_in, d_out):
        super().__init__()
        self.d_out = d_out
        self.weight = nn.Parameter(torch.randn(d_in, d_out) * d_in ** -0.5)
        self.bias = nn.Parameter(torch.randn(d_out) * 0.02)

    def forward(self, x):
        size_out = x.size()[:-1] + (self.d_out,)
        return torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight).view(size_out)


def linear(form, d_in, d_out):
    return Conv1D(d_in, d_out) if form.get("fused") == "conv1d" else nn.Linear(d_in, d_out)


class Attention(nn.Module):
    def __init__(self, form, shape):
        super().__init__()
        self.form = form
        self.shape = shape
        self.kv_heads = form["kv_heads"]
        self.q_is_k = form["q_is_k"]
        self.v_is_k = form["v_is_k"]
        kv_width = self.kv_heads * shape.head_dim
        if form.get("fused"):  # nanoGPT's c_attn: one projection to q, k and v, then split
            self.c_attn = linear(form, shape.d_model, shape.heads * shape.head_dim + 2 * kv_width)
        elif not self.q_is_k:
            self.q_proj = nn.Linear(shape.d_model, shape.heads * shape.head_dim)
        if not form.get("fused"):
            self.k_proj = nn.Linear(shape.d_model, kv_width)
        if not self.v_is_k and not form.get("fused"):
            self.v_proj = nn.Linear(shape.d_model, kv_width)
        self.o_proj = linear(form, shape.heads * shape.head_dim, shape.d_model)
        n = shape.positions
        self.register_buffer("mask", torch.tril(torch.ones(n, n)).view(1, 1, n, n), persistent=False)

    def heads(self, t, count):
        b, n, _ = t.shape
        return t.view(b, n, count, self.shape.head_dim).transpose(1, 2)

    def share_kv(self, t):
        """GQA/MQA: each KV head serves heads / kv_heads query heads."""
        repeat = self.shape.heads // self.kv_heads
        if repeat == 1:
            return t
        if self.form["repeat"] == "interleave":
            return t.repeat_interleave(repeat, dim=1)
        b, g, n, d = t.shape
        return t[:, :, None, :, :].expand(b, g, repeat, n, d).reshape(b, g * repeat, n, d)

    def forward(self, x):
        b, n, _ = x.shape
        if self.form.get("fused"):
            kv_width = self.kv_heads * self.shape.head_dim
            q, k, v = self.c_attn(x).split([self.shape.heads * self.shape.head_dim, kv_width, kv_width], dim=2)
            q, k, v = self.heads(q, self.shape.heads), self.heads(k, self.kv_heads), self.heads(v, self.kv_heads)
        else:
            k = self.heads(self.k_proj(x), self.kv_heads)
            q = k if self.q_is_k else self.heads(self.q_proj(x), self.shape.heads)
            v = k if self.v_is_k else self.heads(self.v_proj(x), self.kv_heads)
        k, v = self.share_kv(k), self.share_kv(v)
        scores = q @ k.transpose(-2, -1)
        if self.form["scale"] == "div":
            scores = scores / math.sqrt(self.shape.head_dim)
        else:
            scores = scores * (1.0 / math.sqrt(self.shape.head_dim))
        if self.form.get("unknown_op"):
            scores = torch.sin(scores)  # not an attention op: the importer must name this node
        causal = self.mask[:, :, :n, :n]
        if self.form["mask"] == "where":
            scores = scores.masked_fill(causal == 0, float("-inf"))
        else:
            scores = scores + (1.0 - causal) * -1e4
        probs = F.softmax(scores, dim=-1)
        y = (probs @ v).transpose(1, 2).contiguous().view(b, n, self.shape.heads * self.shape.head_dim)
        return self.o_proj(y)


class Block(nn.Module):
    def __init__(self, form, shape):
        super().__init__()
        self.ln1 = nn.LayerNorm(shape.d_model)
        self.attn = Attention(form, shape)
        self.ln2 = nn.LayerNorm(shape.d_model)
        self.up = linear(form, shape.d_model, shape.mlp)
        self.gelu = nn.GELU(approximate=form["gelu"])
        self.down = linear(form, shape.mlp, shape.d_model)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.down(self.gelu(self.up(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, form, shape, layer_forms=None):
        """`layer_forms`: one form per layer, for a model whose layers differ in variant."""
        super().__init__()
        self.wte = nn.Embedding(shape.vocab, shape.d_model)
        self.wpe = nn.Embedding(shape.positions, shape.d_model)
        self.blocks = nn.ModuleList([Block(f, shape) for f in (layer_forms or [form] * shape.layers)])
        self.ln_f = nn.LayerNorm(shape.d_model)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.wte(ids) + self.wpe(positions)
        for block in self.blocks:
            x = block(x)
        return F.linear(self.ln_f(x), self.wte.weight)  # LM head tied to the token embedding


def export(model, path, opset, example_tokens=8):
    """Exports with a dynamic sequence length: a static one folds the position embedding into a constant, which
    the importer refuses."""
    ids = torch.randint(0, model.wte.num_embeddings, (1, example_tokens))
    dynamic = {"input_ids": {0: "batch", 1: "tokens"}, "logits": {0: "batch", 1: "tokens"}}
    torch.onnx.export(model, (ids,), path, opset_version=opset, input_names=["input_ids"], output_names=["logits"],
                      dynamic_axes=dynamic)


def parameters(model):
    """PyTorch's parameter count: the tied LM head counted once."""
    return sum(p.numel() for p in model.parameters())

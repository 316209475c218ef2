"""A Llama-style decoder in PyTorch, written the way Hugging Face's modeling_llama writes it, so that
torch.onnx.export (PyTorch 1.13's TorchScript exporter) emits the forms real LLM exports carry: RMSNorm decomposed
(Pow, ReduceMean, Add, Sqrt, Reciprocal or Div, Mul), RoPE by rotate_half (Slice, Neg, Concat, Mul by cos and
sin tables, Add) with the tables sliced or gathered by position, grouped KV heads repeated by repeat_kv
(Expand or Tile, then Reshape), a fused QKV projection cut by Split or Slice or three separate ones,
SwiGLU (SiLU, or Sigmoid times x) or GeGLU, the causal mask by Where or Add, tied or untied LM head.

A `form` picks one export choice per pattern:
  qkv       "split" | "slice" (one fused projection) | "separate"
  norm      "rsqrt" (x * rsqrt(mean(x²) + ε), HF) | "div" (x / sqrt(mean(x²) + ε))
  rope      "slice" (cos[:T], the HF ≤ 4.35 cached tables) | "gather" (cos[position_ids])
  act       "silu" (F.silu) | "sigmoid" (g * sigmoid(g)) | "gelu" (GeGLU, erf GELU)
  repeat    "expand" (HF repeat_kv: Expand + Reshape) | "tile" (the same by Tensor.repeat: Tile + Reshape) |
            "blocks" (k.repeat(1, n_rep, 1, 1): head i reads KV head i mod kv_heads, not i // n_rep; the importer
            refuses it, as the compiled program groups heads the other way)
  scale     "div" (scores / √d) | "sqrt" (q and k each × d^-¼, PyTorch 2's SDPA decomposition)
  mask      "where" | "add"
  tied      True (F.linear(x, wte.weight)) | False (a separate lm_head)
Used by tests/fixtures/make_llama_onnx_fixtures.py.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class LlamaShape:
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: int
    mlp: int
    vocab: int
    positions: int
    theta: float
    eps: float


class RmsNorm(nn.Module):
    def __init__(self, d, eps, form):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d) + 0.1 * torch.randn(d))
        self.eps = eps
        self.form = form

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        if self.form == "rsqrt":
            return self.weight * (x * torch.rsqrt(variance + self.eps))
        return self.weight * (x / torch.sqrt(variance + self.eps))


def rotary_tables(shape):
    """HF's cos and sin caches: [positions, head_dim], each row the angles of the pairs (j, j + d/2) twice."""
    inv_freq = 1.0 / (shape.theta ** (torch.arange(0, shape.head_dim, 2).float() / shape.head_dim))
    t = torch.arange(shape.positions).float()
    freqs = torch.outer(t, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, form, shape):
        super().__init__()
        self.form = form
        self.shape = shape
        q_width, kv_width = shape.heads * shape.head_dim, shape.kv_heads * shape.head_dim
        self.widths = [q_width, kv_width, kv_width]
        if form["qkv"] == "separate":
            self.q_proj = nn.Linear(shape.d_model, q_width, bias=False)
            self.k_proj = nn.Linear(shape.d_model, kv_width, bias=False)
            self.v_proj = nn.Linear(shape.d_model, kv_width, bias=False)
        else:
            self.qkv_proj = nn.Linear(shape.d_model, sum(self.widths), bias=False)
        self.o_proj = nn.Linear(q_width, shape.d_model, bias=False)
        n = shape.positions
        self.register_buffer("mask", torch.tril(torch.ones(n, n)).view(1, 1, n, n), persistent=False)

    def project(self, x):
        if self.form["qkv"] == "separate":
            return self.q_proj(x), self.k_proj(x), self.v_proj(x)
        qkv = self.qkv_proj(x)
        if self.form["qkv"] == "split":
            return qkv.split(self.widths, dim=-1)
        a, b = self.widths[0], self.widths[0] + self.widths[1]
        return qkv[..., :a], qkv[..., a:b], qkv[..., b:]

    def heads(self, t, count):
        b, n, _ = t.shape
        return t.view(b, n, count, self.shape.head_dim).transpose(1, 2)

    def repeat_kv(self, t):
        repeat = self.shape.heads // self.shape.kv_heads
        if repeat == 1:
            return t
        b, g, n, d = t.shape
        if self.form["repeat"] == "blocks":
            return t.repeat(1, repeat, 1, 1)
        if self.form["repeat"] == "tile":
            return t[:, :, None, :, :].repeat(1, 1, repeat, 1, 1).reshape(b, g * repeat, n, d)
        return t[:, :, None, :, :].expand(b, g, repeat, n, d).reshape(b, g * repeat, n, d)

    def forward(self, x, cos, sin):
        b, n, _ = x.shape
        q, k, v = self.project(x)
        q, k, v = self.heads(q, self.shape.heads), self.heads(k, self.shape.kv_heads), self.heads(v, self.shape.kv_heads)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = self.repeat_kv(k), self.repeat_kv(v)
        if self.form["scale"] == "div":
            scores = q @ k.transpose(-2, -1) / math.sqrt(self.shape.head_dim)
        else:  # PyTorch 2's decomposition of scaled_dot_product_attention: √scale on each operand
            root = math.sqrt(1.0 / math.sqrt(self.shape.head_dim))
            scores = (q * root) @ (k.transpose(-2, -1) * root)
        causal = self.mask[:, :, :n, :n]
        if self.form["mask"] == "where":
            scores = scores.masked_fill(causal == 0, float("-inf"))
        else:
            scores = scores + (1.0 - causal) * torch.finfo(torch.float32).min
        probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        y = (probs @ v).transpose(1, 2).reshape(b, n, self.shape.heads * self.shape.head_dim)
        return self.o_proj(y)


class Mlp(nn.Module):
    def __init__(self, form, shape):
        super().__init__()
        self.act = form["act"]
        self.gate_proj = nn.Linear(shape.d_model, shape.mlp, bias=False)
        self.up_proj = nn.Linear(shape.d_model, shape.mlp, bias=False)
        self.down_proj = nn.Linear(shape.mlp, shape.d_model, bias=False)

    def forward(self, x):
        g = self.gate_proj(x)
        if self.act == "silu":
            g = F.silu(g)
        elif self.act == "sigmoid":
            g = g * torch.sigmoid(g)
        else:
            g = F.gelu(g)
        return self.down_proj(g * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, form, shape):
        super().__init__()
        self.input_layernorm = RmsNorm(shape.d_model, shape.eps, form["norm"])
        self.self_attn = Attention(form, shape)
        self.post_attention_layernorm = RmsNorm(shape.d_model, shape.eps, form["norm"])
        self.mlp = Mlp(form, shape)

    def forward(self, x, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self, form, shape):
        super().__init__()
        self.form = form
        self.embed_tokens = nn.Embedding(shape.vocab, shape.d_model)
        self.layers = nn.ModuleList([Block(form, shape) for _ in range(shape.layers)])
        self.norm = RmsNorm(shape.d_model, shape.eps, form["norm"])
        if not form["tied"]:
            self.lm_head = nn.Linear(shape.d_model, shape.vocab, bias=False)
        cos, sin = rotary_tables(shape)
        self.register_buffer("cos_cached", cos, persistent=False)
        self.register_buffer("sin_cached", sin, persistent=False)

    def forward(self, ids):
        n = ids.shape[1]
        if self.form["rope"] == "slice":
            cos, sin = self.cos_cached[:n], self.sin_cached[:n]
        else:
            position_ids = torch.arange(n, device=ids.device)
            cos, sin = self.cos_cached[position_ids], self.sin_cached[position_ids]
        cos, sin = cos[None, None], sin[None, None]  # [1, 1, T, head_dim]: broadcast over batch and heads
        x = self.embed_tokens(ids)
        for block in self.layers:
            x = block(x, cos, sin)
        x = self.norm(x)
        return F.linear(x, self.embed_tokens.weight) if self.form["tied"] else self.lm_head(x)

#include "compiler/onnx/variant_detection.hpp"

#include <fmt/format.h>

#include <cmath>

#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

// Tied: the same projection node, or two nodes reading the same weight tensor, and the same rows of it (a
// fused QKV projection's q, k and v parts are three projections).
bool tied(const Projection& a, const Projection& b) {
  return (a.matmul == b.matmul || a.weight_name == b.weight_name) && a.offset == b.offset && a.out == b.out;
}

bool same_numbers(const Projection& a, const Projection& b) {
  const bool biases_equal =
      a.bias.has_value() == b.bias.has_value() && (!a.bias || a.bias->values == b.bias->values);
  return a.weight.values == b.weight.values && biases_equal;
}

// The score scale is 1/√head_dim; head_dim is the whole number it gives.
int head_dim_from_scale(const MatchedLayer& layer, const OnnxGraph& graph, int l) {
  const double head_dim = 1.0 / (layer.scale * layer.scale);
  const long rounded = std::lround(head_dim);
  if (layer.scale <= 0 || rounded < 1 ||
      std::abs(head_dim - static_cast<double>(rounded)) > 1e-3 * head_dim) {
    throw InputError(
        fmt::format("{}: layer {}'s scores are scaled by {}, expected 1/√head_dim (a Div by √head_dim "
                    "or a Mul by its inverse)",
                    graph.where(*layer.scores), l, layer.scale));
  }
  return static_cast<int>(rounded);
}

std::string variant_name(bool q_is_k, bool v_is_k, int heads, int kv_heads) {
  if (q_is_k) return v_is_k ? "Q=K=V" : "Q=K-V";
  const std::string prefix = v_is_k ? "Q-" : "";
  if (kv_heads == heads) return v_is_k ? "Q-K=V" : "QKV";
  if (kv_heads == 1) return prefix + "MQA";
  return fmt::format("{}GQA-{}", prefix, kv_heads);
}

void warn_if_equal(const Projection& a, const Projection& b, const char* names, int l, const OnnxGraph& graph,
                   Diagnostics& diagnostics) {
  if (tied(a, b) || !same_numbers(a, b)) return;
  diagnostics.push_back(Diagnostic::warning(
      fmt::format("{}: layer {}: the {} projections are separate initializers ('{}', '{}') holding "
                  "the same numbers; compiled as separate projections (for a tied variant the "
                  "model must reuse the tensor, e.g. v = k)",
                  graph.where(*b.matmul), l, names, a.weight_name, b.weight_name)));
}

}  // namespace

DetectedAttention detect_variants(const MatchedModel& model, const OnnxGraph& graph) {
  DetectedAttention d;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const MatchedLayer& layer = model.layers[i];
    const int l = static_cast<int>(i);
    const int head_dim = head_dim_from_scale(layer, graph, l);
    const bool q_is_k = tied(layer.q, layer.k);
    const bool v_is_k = tied(layer.v, layer.k);
    const int64_t heads = layer.q.out / head_dim;
    const int64_t kv_heads = layer.k.out / head_dim;
    if (heads * head_dim != layer.q.out || kv_heads * head_dim != layer.k.out || layer.v.out != layer.k.out ||
        kv_heads == 0 || heads % kv_heads != 0 || layer.o.in != layer.q.out) {
      throw InputError(fmt::format(
          "{}: layer {}: Q {} wide, K {}, V {}, output projection input {} with head_dim "
          "{}; expected Q = heads × head_dim, K = V = kv_heads × head_dim with kv_heads "
          "dividing heads",
          graph.where(*layer.scores), l, layer.q.out, layer.k.out, layer.v.out, layer.o.in, head_dim));
    }
    for (const Projection* p : {&layer.k, &layer.v}) {
      if (p->block_repeat != nullptr && kv_heads > 1) {
        throw InputError(fmt::format(
            "{}: repeats layer {}'s {} KV heads as whole blocks (query head i reads KV head i mod {}), "
            "expected each KV head repeated for its group of {} query heads (Hugging Face's repeat_kv: "
            "Expand or Tile of an inserted axis, then Reshape; or repeat_interleave)",
            graph.where(*p->block_repeat), l, kv_heads, kv_heads, heads / kv_heads));
      }
    }
    if (d.layers.empty()) {
      d.heads = static_cast<int>(heads);
      d.head_dim = head_dim;
    } else if (heads != d.heads || head_dim != d.head_dim) {
      throw InputError(
          fmt::format("{}: layer {} has {} heads × {}, expected every layer as layer 0 ({} × {})",
                      graph.where(*layer.scores), l, heads, head_dim, d.heads, d.head_dim));
    }
    const std::string name = variant_name(q_is_k, v_is_k, d.heads, static_cast<int>(kv_heads));
    d.layers.push_back(AttentionVariant::parse(name, d.heads));
    warn_if_equal(layer.k, layer.v, "K and V", l, graph, d.diagnostics);
    warn_if_equal(layer.k, layer.q, "Q and K", l, graph, d.diagnostics);
  }
  return d;
}

}  // namespace neurokv::onnx_import

#include "compiler/onnx/onnx_import.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/onnx/block_matcher.hpp"
#include "compiler/onnx/onnx_file.hpp"
#include "compiler/onnx/rope_tables.hpp"
#include "compiler/onnx/variant_detection.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv {
namespace {

using onnx_import::MatchedLayer;
using onnx_import::MatchedModel;
using onnx_import::Norm;
using onnx_import::Projection;

OpWeights linear_weights(const Projection& p) { return OpWeights{p.weight, p.bias.value_or(FloatTensor{})}; }
OpWeights norm_weights(const Norm& n) { return OpWeights{n.gain, n.bias}; }

// The weights under the Graph IR's op names (compiler/graph/frontend.cpp); an eliminated projection has none.
ModelWeights weights_by_op(const MatchedModel& m, const std::vector<AttentionVariant>& variants) {
  ModelWeights w;
  w["embed"] = OpWeights{m.token_embedding, {}};
  if (m.position_embedding) w["pos_embed"] = OpWeights{*m.position_embedding, {}};
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const MatchedLayer& layer = m.layers[i];
    const auto name = [i](const char* what) { return fmt::format("l{}.{}", i, what); };
    w[name("ln1")] = norm_weights(layer.ln1);
    if (variants[i].has_q_projection()) w[name("q_proj")] = linear_weights(layer.q);
    w[name("k_proj")] = linear_weights(layer.k);
    if (variants[i].has_v_projection()) w[name("v_proj")] = linear_weights(layer.v);
    w[name("o_proj")] = linear_weights(layer.o);
    w[name("ln2")] = norm_weights(layer.ln2);
    if (layer.mlp != MlpKind::Gelu) w[name("mlp_gate")] = linear_weights(layer.gate);
    w[name("mlp_up")] = linear_weights(layer.up);
    w[name("mlp_down")] = linear_weights(layer.down);
  }
  w["ln_f"] = norm_weights(m.ln_f);
  if (!m.tied_lm_head) w["lm_head"] = linear_weights(m.lm_head);
  return w;
}

// The Graph IR has one block shape for every layer; a model whose layers differ in width, norm, MLP kind or
// positions is refused here.
void check_uniform(const MatchedModel& m, const onnx_import::OnnxGraph& graph, int64_t d_model) {
  const MatchedLayer& first = m.layers.front();
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const MatchedLayer& layer = m.layers[i];
    const bool gated = layer.mlp != MlpKind::Gelu;
    std::vector<const Projection*> projections = {&layer.q, &layer.k,  &layer.v,
                                                  &layer.o, &layer.up, &layer.down};
    if (gated) projections.push_back(&layer.gate);
    for (const Projection* p : projections) {
      const bool attention_in = p == &layer.q || p == &layer.k || p == &layer.v;
      const bool widths_ok = (p == &layer.o || p == &layer.down) ? p->out == d_model
                             : (p == &layer.up || p == &layer.gate)
                                 ? p->in == d_model && p->out == first.up.out
                                 : p->in == d_model;
      // Biases: on Q, K and V alike (Qwen2 has them there only), and alike on the other projections.
      const Projection& like = attention_in ? first.k : first.o;
      const bool bias_ok = p->bias.has_value() == like.bias.has_value();
      if (!widths_ok || !bias_ok) {
        throw InputError(
            fmt::format("{}: layer {}: a projection {} → {}{}, expected d_model {} as in layer 0 and "
                        "biases on all of Q, K and V or none, and on all other projections or none",
                        graph.where(*p->matmul), i, p->in, p->out, p->bias ? " with bias" : "", d_model));
      }
    }
    if (layer.mlp != first.mlp || layer.ln1.kind != first.ln1.kind || layer.ln2.kind != first.ln1.kind ||
        m.ln_f.kind != first.ln1.kind) {
      throw InputError(
          fmt::format("{}: layer {}'s norms or MLP differ from layer 0's, expected every layer "
                      "alike (one norm kind, one MLP kind)",
                      graph.where(*layer.ln1.node), i));
    }
  }
  if (m.lm_head.bias) {
    throw InputError(fmt::format("{}: the LM head has a bias, expected none (GPT-2 style)",
                                 graph.where(*m.lm_head.matmul)));
  }
}

// θ of every layer's query and key tables: one θ for the model (the executor rotates every layer alike).
double rope_theta_of(const MatchedModel& m, const onnx_import::OnnxGraph& graph, int head_dim) {
  double theta = 0;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    for (const onnx_import::Rope* rope : {&*m.layers[i].q_rope, &*m.layers[i].k_rope}) {
      const double t = onnx_import::rope_theta(*rope, head_dim, graph.where(*rope->node));
      if (theta == 0) theta = t;
      if (t != theta || rope->cos.dims != m.layers.front().q_rope->cos.dims) {
        throw InputError(
            fmt::format("{}: layer {}'s RoPE tables give θ = {} over {} positions, expected θ = {} "
                        "over {} as layer 0's (one rotation for every layer)",
                        graph.where(*rope->node), i, t, rope->cos.dims.at(0), theta,
                        m.layers.front().q_rope->cos.dims.at(0)));
      }
    }
  }
  return theta;
}

}  // namespace

ImportedModel import_onnx(const std::string& path) {
  return import_onnx_model(read_whole_file(path, "an ONNX model"), path);
}

ImportedModel import_onnx_model(const std::string& bytes, const std::string& path) {
  const onnx::ModelProto proto = onnx_import::parse_onnx_model(bytes, path);
  const onnx_import::OnnxGraph graph(proto, path);
  MatchedModel matched = onnx_import::match_blocks(graph);
  onnx_import::DetectedAttention attention = onnx_import::detect_variants(matched, graph);

  ImportedModel imported;
  ModelSpec& spec = imported.spec;
  spec.name = std::filesystem::path(path).stem().string();
  spec.file = path;
  spec.layers = static_cast<int>(matched.layers.size());
  spec.d_model = static_cast<int>(matched.token_embedding.dims.at(1));
  spec.heads = attention.heads;
  spec.head_dim = attention.head_dim;
  spec.mlp_hidden = static_cast<int>(matched.layers.front().up.out);
  spec.vocab = static_cast<int>(matched.token_embedding.dims.at(0));
  spec.kv_groups = attention.layers.front().kv_heads();
  const MatchedLayer& first = matched.layers.front();
  spec.bias = first.o.bias.has_value();
  spec.qkv_bias = first.k.bias.has_value();
  spec.norm = first.ln1.kind;
  spec.norm_bias = !first.ln1.bias.values.empty();
  spec.mlp = first.mlp;
  spec.tied_lm_head = matched.tied_lm_head;
  spec.gelu = first.gelu;
  spec.layernorm_epsilon = first.ln1.epsilon;
  check_uniform(matched, graph, spec.d_model);
  if (matched.position_embedding) {
    spec.max_positions = static_cast<int>(matched.position_embedding->dims.at(0));
  } else {
    spec.positions = PositionKind::Rope;
    spec.rope.theta = rope_theta_of(matched, graph, spec.head_dim);
    spec.max_positions = static_cast<int>(first.q_rope->cos.dims.at(0));
  }

  imported.weights = weights_by_op(matched, attention.layers);
  imported.layer_variants = std::move(attention.layers);
  for (const MatchedLayer& layer : matched.layers) {
    imported.qkv_projections.push_back(
        layer.q.cut == nullptr && layer.k.cut == nullptr
            ? "separate"
            : fmt::format("fused, {}", (layer.k.cut ? layer.k.cut : layer.q.cut)->op_type()));
  }
  imported.diagnostics = std::move(attention.diagnostics);
  // How a normal export was read (e.g. PyTorch's folded tied head): worth knowing, nothing to fix.
  imported.diagnostics.insert(imported.diagnostics.end(), matched.diagnostics.begin(),
                              matched.diagnostics.end());
  return imported;
}

}  // namespace neurokv

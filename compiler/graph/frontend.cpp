#include "compiler/graph/frontend.hpp"

namespace neurokv::graph {
namespace {

using ir::BufferRole;
using ir::LinearRole;
using ir::OpKind;

class Builder {
 public:
  Builder(const ModelSpec& model, Graph& graph) : model_(model), graph_(graph) {
    ProgramInfo& info = graph_[boost::graph_bundle];
    info.model = {model.name,
                  model.layers,
                  model.d_model,
                  model.heads,
                  model.head_dim,
                  model.mlp_hidden,
                  model.vocab,
                  model.max_positions,
                  ir::Network::Transformer,
                  {},
                  0};
    info.variant = "QKV";
    info.kv_heads = model.heads;
    info.tied_lm_head = model.tied_lm_head;
  }

  void build() {
    const int64_t d = model_.d_model;
    const Vertex embed = table(OpKind::Embed, "embed", model_.vocab);
    Vertex x = embed;
    if (model_.positions == PositionKind::Learned) {
      const Vertex pos = table(OpKind::PosEmbed, "pos_embed", model_.max_positions);
      x = op(OpKind::Add, "embed_add", -1, d, d, {embed, pos});
    }
    for (int l = 0; l < model_.layers; ++l) x = block(l, x);
    const Vertex ln_f = norm("ln_f", -1, x);
    const Vertex head =
        linear(LinearRole::LmHead, "lm_head", -1, d, model_.vocab, model_.density.lm_head_in, ln_f);
    // The LM head has no bias, tied or not: GPT-2's (and nanoGPT's) lm_head is Linear(bias=False) whatever
    // the model's `bias`, and the paper's parameter counts have none. A tied head also shares the embedding
    // table.
    graph_[head].bias = false;
    if (model_.tied_lm_head) graph_[head].tied_to = static_cast<int>(embed);
  }

 private:
  // One decoder block, the QKV baseline of the model's shapes (apply_variant narrows K and V to the
  // variant's heads): norm, Q/K/V (QK-norm, RoPE), the KV cache, attention, O, the residual add; norm, MLP,
  // the residual add. A layer that shares another's KV cache has no K or V projection and reads its cache.
  Vertex block(int l, Vertex x) {
    const int64_t d = model_.d_model;
    const int64_t heads_width = int64_t{model_.heads} * model_.head_dim;
    const double attn_in = model_.density.attn_in;
    const Vertex ln1 = norm(name(l, "ln1"), l, x);
    Vertex q = linear(LinearRole::Q, name(l, "q_proj"), l, d, heads_width, attn_in, ln1);
    graph_[q].bias = model_.qkv_bias;
    if (model_.qk_norm) q = head_norm(name(l, "q_norm"), l, q);
    if (model_.positions == PositionKind::Rope) q = rope(name(l, "q_rope"), l, q);
    Vertex k_read = 0, v_read = 0;
    const int source = model_.shared_source(l);
    if (source < 0) {
      Vertex k = linear(LinearRole::K, name(l, "k_proj"), l, d, heads_width, attn_in, ln1);
      const Vertex v = linear(LinearRole::V, name(l, "v_proj"), l, d, heads_width, attn_in, ln1);
      graph_[k].bias = model_.qkv_bias;
      graph_[v].bias = model_.qkv_bias;
      if (model_.qk_norm) k = head_norm(name(l, "k_norm"), l, k);
      if (model_.positions == PositionKind::Rope) k = rope(name(l, "k_rope"), l, k);
      k_read = cache(l, BufferRole::Keys, k);
      v_read = cache(l, BufferRole::Values, v);
    } else {
      k_read = shared_read(l, source, BufferRole::Keys);
      v_read = shared_read(l, source, BufferRole::Values);
    }
    const Vertex score = attention(OpKind::AttnScore, name(l, "attn_score"), l, heads_width, heads_width,
                                   model_.density.query, {q, k_read});
    const Vertex softmax =
        attention(OpKind::Softmax, name(l, "softmax"), l, heads_width, model_.heads, 1.0, {score});
    const Vertex value = attention(OpKind::AttnValue, name(l, "attn_value"), l, model_.heads, heads_width,
                                   model_.density.attn_probs, {softmax, v_read});
    Vertex o = linear(LinearRole::O, name(l, "o_proj"), l, heads_width, d, model_.density.attn_out, value);
    if (model_.post_norms) o = norm(name(l, "post_attn_norm"), l, o);
    const Vertex attn_add = op(OpKind::Add, name(l, "attn_add"), l, d, d, {x, o});
    const Vertex ln2 = norm(name(l, "ln2"), l, attn_add);
    Vertex down = mlp(l, ln2);
    if (model_.post_norms) down = norm(name(l, "post_mlp_norm"), l, down);
    return op(OpKind::Add, name(l, "mlp_add"), l, d, d, {attn_add, down});
  }

  // GELU: up, GELU, down. Gated: act(gate) ⊙ up, then down.
  Vertex mlp(int l, Vertex input) {
    const int64_t d = model_.d_model, hidden = model_.mlp_hidden;
    const double in = model_.density.mlp_in;
    const Vertex up = linear(LinearRole::MlpUp, name(l, "mlp_up"), l, d, hidden, in, input);
    Vertex act = 0;
    if (model_.mlp == MlpKind::Gelu) {
      act = op(OpKind::Gelu, name(l, "gelu"), l, hidden, hidden, {up});
    } else {
      const Vertex gate = linear(LinearRole::MlpGate, name(l, "mlp_gate"), l, d, hidden, in, input);
      act = op(OpKind::Glu, name(l, "glu"), l, hidden, hidden, {gate, up});
      graph_[act].activation =
          model_.mlp == MlpKind::SwiGlu ? ir::GateActivation::Silu : ir::GateActivation::Gelu;
    }
    return linear(LinearRole::MlpDown, name(l, "mlp_down"), l, hidden, d, model_.density.mlp_hidden, act);
  }

  // Rotary position embedding of a query or key tensor (rotate on write: the cache holds rotated keys).
  Vertex rope(const std::string& op_name, int l, Vertex input) {
    const int64_t width = graph_[input].out_features;
    const Vertex v = op(OpKind::Rope, op_name, l, width, width, {input});
    graph_[v].head_dim = model_.head_dim;
    graph_[v].rotary_dims = model_.rope.rotary_dims(model_.head_dim);
    const bool local = !model_.is_global(l) && model_.rope.local_theta > 0;
    graph_[v].rope_theta = local ? model_.rope.local_theta : model_.rope.theta;
    return v;
  }

  // QK-norm: an RMSNorm of each head of a query or key tensor, one head_dim gain shared by the heads.
  Vertex head_norm(const std::string& op_name, int l, Vertex input) {
    const int64_t width = graph_[input].out_features;
    const Vertex v = op(OpKind::RmsNorm, op_name, l, width, width, {input});
    graph_[v].head_dim = model_.head_dim;
    return v;
  }

  // A layer's KV buffer for one role: the projection appends the new row, then a KvRead streams the rows out.
  Vertex cache(int l, BufferRole role, Vertex projection) {
    const char* tag = role == BufferRole::Keys ? "k" : "v";
    ProgramInfo& info = graph_[boost::graph_bundle];
    ir::Buffer buffer;
    buffer.name = name(l, tag);
    buffer.layer = l;
    buffer.role = role;
    buffer.kv_heads = model_.heads;
    buffer.head_dim = model_.head_dim;
    info.buffers.push_back(buffer);
    const int index = static_cast<int>(info.buffers.size()) - 1;
    const int64_t width = graph_[projection].out_features;
    const Vertex append = attention(OpKind::KvAppend, name(l, std::string(tag) + "_append"), l, width, width,
                                    1.0, {projection});
    graph_[append].buffer = index;
    return read_of(l, tag, append, index);
  }

  // A KV-sharing layer reads its source layer's buffer: no projection, no append, no cache of its own.
  Vertex shared_read(int l, int source, BufferRole role) {
    const char* tag = role == BufferRole::Keys ? "k" : "v";
    const Vertex append = find_op(graph_, name(source, std::string(tag) + "_append"));
    return read_of(l, tag, append, graph_[append].buffer);
  }

  Vertex read_of(int l, const char* tag, Vertex append, int buffer) {
    const int64_t width = graph_[append].out_features;
    const Vertex read =
        attention(OpKind::KvRead, name(l, std::string(tag) + "_read"), l, width, width, 1.0, {});
    connect(graph_, append, read, 0, /*via_buffer=*/true);
    graph_[read].buffer = buffer;
    return read;
  }

  Vertex attention(OpKind kind, const std::string& op_name, int l, int64_t in, int64_t out, double density,
                   const std::vector<Vertex>& inputs) {
    const Vertex v = op(kind, op_name, l, in, out, inputs);
    graph_[v].heads = model_.heads;
    graph_[v].kv_heads = model_.heads;
    graph_[v].head_dim = model_.head_dim;
    graph_[v].input_density = density;
    if (kind != OpKind::KvAppend) graph_[v].window = model_.window(l);  // what a local layer attends to
    return v;
  }

  Vertex linear(LinearRole role, const std::string& op_name, int l, int64_t in, int64_t out, double density,
                Vertex input) {
    const Vertex v = op(OpKind::Linear, op_name, l, in, out, {input});
    graph_[v].role = role;
    graph_[v].bias = model_.bias;
    graph_[v].input_density = density;
    return v;
  }

  // A LayerNorm or RMSNorm has a gain and, when the model says so (`norm_bias`; nanoGPT's `bias` covers
  // Linears and LayerNorms), a bias.
  Vertex norm(const std::string& op_name, int l, Vertex input) {
    const OpKind kind = model_.norm == NormKind::RmsNorm ? OpKind::RmsNorm : OpKind::LayerNorm;
    const Vertex v = op(kind, op_name, l, model_.d_model, model_.d_model, {input});
    graph_[v].bias = model_.norm_bias;
    return v;
  }

  // Embedding tables: one row of `rows` per token (in_features = rows, the table is rows x d_model).
  Vertex table(OpKind kind, const std::string& op_name, int64_t rows) {
    return op(kind, op_name, -1, rows, model_.d_model, {});
  }

  Vertex op(OpKind kind, const std::string& op_name, int l, int64_t in, int64_t out,
            const std::vector<Vertex>& inputs) {
    ir::Op record;
    record.name = op_name;
    record.kind = kind;
    record.layer = l;
    record.in_features = in;
    record.out_features = out;
    const Vertex v = add_op(graph_, std::move(record));
    for (std::size_t slot = 0; slot < inputs.size(); ++slot)
      connect(graph_, inputs[slot], v, static_cast<int>(slot));
    return v;
  }

  static std::string name(int l, const std::string& what) { return layer_op_name(l, what); }

  const ModelSpec& model_;
  Graph& graph_;
};

}  // namespace

void build_graph(const ModelSpec& model, Graph& graph) { Builder(model, graph).build(); }

Graph build_graph(const ModelSpec& model) {
  Graph graph;
  build_graph(model, graph);
  return graph;
}

}  // namespace neurokv::graph

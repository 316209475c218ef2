#include "compiler/graph/frontend.hpp"

namespace neurokv::graph {
namespace {

using ir::BufferRole;
using ir::LinearRole;
using ir::OpKind;

class Builder {
 public:
  explicit Builder(const ModelSpec& model) : model_(model) {
    ProgramInfo& info = graph_[boost::graph_bundle];
    info.model = {model.name,     model.layers,     model.d_model, model.heads,
                  model.head_dim, model.mlp_hidden, model.vocab,   model.max_positions};
    info.variant = "QKV";
    info.kv_heads = model.heads;
    info.tied_lm_head = model.tied_lm_head;
  }

  Graph build() {
    const int64_t d = model_.d_model;
    const Vertex embed = table(OpKind::Embed, "embed", model_.vocab);
    const Vertex pos = table(OpKind::PosEmbed, "pos_embed", model_.max_positions);
    Vertex x = op(OpKind::Add, "embed_add", -1, d, d, {embed, pos});
    for (int l = 0; l < model_.layers; ++l) x = block(l, x);
    const Vertex ln_f = layernorm("ln_f", -1, x);
    const Vertex head =
        linear(LinearRole::LmHead, "lm_head", -1, d, model_.vocab, model_.density.lm_head_in, ln_f);
    // The LM head has no bias, tied or not: GPT-2's (and nanoGPT's) lm_head is Linear(bias=False) whatever
    // the model's `bias`, and the paper's parameter counts have none. A tied head also shares the embedding
    // table.
    graph_[head].bias = false;
    if (model_.tied_lm_head) graph_[head].tied_to = static_cast<int>(embed);
    return std::move(graph_);
  }

 private:
  Vertex block(int l, Vertex x) {
    const int64_t d = model_.d_model;
    const int64_t heads_width = int64_t{model_.heads} * model_.head_dim;
    const double attn_in = model_.density.attn_in;
    const Vertex ln1 = layernorm(name(l, "ln1"), l, x);
    const Vertex q = linear(LinearRole::Q, name(l, "q_proj"), l, d, heads_width, attn_in, ln1);
    const Vertex k = linear(LinearRole::K, name(l, "k_proj"), l, d, heads_width, attn_in, ln1);
    const Vertex v = linear(LinearRole::V, name(l, "v_proj"), l, d, heads_width, attn_in, ln1);
    const Vertex k_read = cache(l, BufferRole::Keys, k);
    const Vertex v_read = cache(l, BufferRole::Values, v);
    const Vertex score = attention(OpKind::AttnScore, name(l, "attn_score"), l, heads_width, heads_width,
                                   model_.density.query, {q, k_read});
    const Vertex softmax =
        attention(OpKind::Softmax, name(l, "softmax"), l, heads_width, model_.heads, 1.0, {score});
    const Vertex value = attention(OpKind::AttnValue, name(l, "attn_value"), l, model_.heads, heads_width,
                                   model_.density.attn_probs, {softmax, v_read});
    const Vertex o =
        linear(LinearRole::O, name(l, "o_proj"), l, heads_width, d, model_.density.attn_out, value);
    const Vertex attn_add = op(OpKind::Add, name(l, "attn_add"), l, d, d, {x, o});
    const Vertex ln2 = layernorm(name(l, "ln2"), l, attn_add);
    const Vertex up =
        linear(LinearRole::MlpUp, name(l, "mlp_up"), l, d, model_.mlp_hidden, model_.density.mlp_in, ln2);
    const Vertex gelu = op(OpKind::Gelu, name(l, "gelu"), l, model_.mlp_hidden, model_.mlp_hidden, {up});
    const Vertex down = linear(LinearRole::MlpDown, name(l, "mlp_down"), l, model_.mlp_hidden, d,
                               model_.density.mlp_hidden, gelu);
    return op(OpKind::Add, name(l, "mlp_add"), l, d, d, {attn_add, down});
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
    const Vertex read =
        attention(OpKind::KvRead, name(l, std::string(tag) + "_read"), l, width, width, 1.0, {});
    connect(graph_, append, read, 0, /*via_buffer=*/true);
    graph_[append].buffer = index;
    graph_[read].buffer = index;
    return read;
  }

  Vertex attention(OpKind kind, const std::string& op_name, int l, int64_t in, int64_t out, double density,
                   const std::vector<Vertex>& inputs) {
    const Vertex v = op(kind, op_name, l, in, out, inputs);
    graph_[v].heads = model_.heads;
    graph_[v].kv_heads = model_.heads;
    graph_[v].head_dim = model_.head_dim;
    graph_[v].input_density = density;
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

  // A LayerNorm has a gain and, when the model has biases (nanoGPT's `bias` covers Linears and LayerNorms), a
  // bias.
  Vertex layernorm(const std::string& op_name, int l, Vertex input) {
    const Vertex v = op(OpKind::LayerNorm, op_name, l, model_.d_model, model_.d_model, {input});
    graph_[v].bias = model_.bias;
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
  Graph graph_;
};

}  // namespace

Graph build_graph(const ModelSpec& model) { return Builder(model).build(); }

}  // namespace neurokv::graph

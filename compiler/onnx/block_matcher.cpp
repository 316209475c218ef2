#include "compiler/onnx/block_matcher.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <set>

#include "compiler/onnx/fused_projection.hpp"
#include "compiler/onnx/node_attributes.hpp"
#include "compiler/onnx/rope_pattern.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

// Ops that only move or repeat head data between a projection and the attention products: splitting into
// heads, transposing, repeating KV heads (expand+reshape, repeat_interleave, tile).
const std::set<std::string> kHeadShaping = {"Reshape", "Transpose", "Unsqueeze", "Squeeze",
                                            "Expand",  "Tile",      "Identity",  "Cast",
                                            "Dropout", "Concat",    "Split",     "Slice"};
// Ops of the GELU forms: erf (x/√2, Erf, +1, ×x, ×½), tanh (x³, ×0.044715, +x, ×√(2/π), Tanh, +1, ×x, ×½),
// Gelu.
const std::set<std::string> kGeluOps = {"Gelu", "Erf",  "Tanh",     "Div",  "Mul",     "Add",
                                        "Pow",  "Sqrt", "Identity", "Cast", "Constant"};
// Ops of a gated MLP's activation on the gate: SiLU as x·Sigmoid(x), or a GELU form.
const std::set<std::string> kGateOps = {"Sigmoid", "Gelu", "Erf",  "Tanh",     "Div",  "Mul",
                                        "Add",     "Pow",  "Sqrt", "Identity", "Cast", "Constant"};
const char* kHeadPathExpected =
    "head reshapes (Reshape, Transpose, Unsqueeze, Expand, Tile, Concat, Split) back to a projection "
    "(MatMul or Gemm against a weight initializer, optionally with a bias Add)";

TensorValues transposed(const TensorValues& t) {
  TensorValues out;
  const int64_t rows = t.dims.at(0), cols = t.dims.at(1);
  out.dims = {cols, rows};
  out.values.resize(t.values.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) out.values[c * rows + r] = t.values[r * cols + c];
  }
  return out;
}

class Matcher {
 public:
  explicit Matcher(const OnnxGraph& graph) : g_(graph) {}

  MatchedModel match() {
    std::string x = embeddings();
    for (const Node* node : g_.nodes()) {
      if (node->op_type() == "Softmax") softmaxes_.push_back(node);
    }
    if (softmaxes_.empty()) {
      throw InputError(
          fmt::format("{}: no Softmax node, expected GPT-style decoder blocks with attention", g_.file()));
    }
    for (std::size_t l = 0; l < softmaxes_.size(); ++l) x = layer(static_cast<int>(l), x);
    model_.ln_f = norm_at(x, "the final norm");
    lm_head(norm_output_);
    return std::move(model_);
  }

 private:
  // Token and position embeddings: Gathers from rank-2 initializers, the token one indexed by a graph input,
  // summed into the residual stream; or the token embedding alone (positions by RoPE in the layers). Returns
  // the stream.
  std::string embeddings() {
    const Node* token = nullptr;
    for (const Node* node : g_.nodes()) {
      if (node->op_type() == "Gather" && g_.is_constant(node->input(0)) &&
          g_.is_graph_input(node->input(1))) {
        token = node;
      }
    }
    const Node* sum = nullptr;
    const Node* position = nullptr;
    bool folded = false;  // the token embedding plus a constant: a position table folded by the exporter
    for (const Node* add : token ? g_.consumers(token->output(0)) : std::vector<const Node*>{}) {
      if (add->op_type() != "Add") continue;
      for (const std::string& input : add->input()) {
        const Node* n = g_.producer(input);
        if (n != nullptr && n != token && n->op_type() == "Gather" && g_.is_constant(n->input(0))) {
          sum = add;
          position = n;
        }
        if (input != token->output(0) && g_.is_constant(input) && sum == nullptr) {
          sum = add;
          folded = true;
        }
      }
    }
    if (token != nullptr && sum == nullptr) {  // no learned positions: RoPE, checked per layer
      model_.token_embedding = *g_.constant(token->input(0));
      token_name_ = token->input(0);
      return token->output(0);
    }
    if (folded && position == nullptr) {
      throw InputError(
          fmt::format("{}: the position embedding was folded into a constant (a static-shape export); "
                      "expected a Gather from the position table: export with dynamic_axes on the "
                      "sequence dimension (docs/onnx.md)",
                      g_.where(*sum)));
    }
    if (position == nullptr) {
      throw InputError(
          fmt::format("{}: expected a token embedding (Gather from a [vocab, d_model] initializer "
                      "indexed by the input ids) added to a learned position embedding (Gather from "
                      "a [positions, d_model] initializer)",
                      token ? g_.where(*token) : g_.file()));
    }
    model_.token_embedding = *g_.constant(token->input(0));
    model_.position_embedding = g_.constant(position->input(0));
    token_name_ = token->input(0);
    return sum->output(0);
  }

  std::string layer(int l, const std::string& x) {
    MatchedLayer layer;
    layer.ln1 = norm_at(x, fmt::format("layer {}'s first norm", l));
    const std::string normed = norm_output_;
    const Node& softmax = *softmaxes_[static_cast<std::size_t>(l)];
    layer.scale = 1.0;
    layer.scores = score_matmul(softmax, l, layer.scale);
    layer.q = walk_to_projection(layer.scores->input(0), "query", l, layer.scale, &layer.q_rope);
    layer.k = walk_to_projection(layer.scores->input(1), "key", l, layer.scale, &layer.k_rope);
    const Node& value = value_matmul(softmax, l);
    double unused_scale = 1.0;
    layer.v = walk_to_projection(value.input(1), "value", l, unused_scale, nullptr);
    for (const Projection* p : {&layer.q, &layer.k, &layer.v}) {
      if (input_of(*p) != normed) {
        throw InputError(
            fmt::format("{}: expected layer {}'s Q/K/V projections to read its first norm's "
                        "output '{}'",
                        g_.where(*p->matmul), l, normed));
      }
    }
    check_positions(layer, l);
    layer.o = projection_after(value.output(0), l);
    const std::string h = residual(x, output_of(layer.o), l, "attention");
    layer.ln2 = norm_at(h, fmt::format("layer {}'s second norm", l));
    mlp(norm_output_, l, layer);
    model_.layers.push_back(std::move(layer));
    return residual(h, output_of(model_.layers.back().down), l, "MLP");
  }

  // Positions enter once: a learned table on the embeddings, or RoPE on both queries and keys.
  void check_positions(const MatchedLayer& layer, int l) const {
    const bool learned = model_.position_embedding.has_value();
    const Node* where = layer.q_rope ? layer.q_rope->node : layer.k_rope ? layer.k_rope->node : layer.scores;
    if (learned && (layer.q_rope || layer.k_rope)) {
      throw InputError(
          fmt::format("{}: layer {} rotates queries or keys (RoPE) in a model with learned "
                      "positions, expected one of the two",
                      g_.where(*where), l));
    }
    if (!learned && !(layer.q_rope && layer.k_rope)) {
      throw InputError(
          fmt::format("{}: layer {} has RoPE on {}, expected no learned position embedding and "
                      "RoPE (x·cos + rotate_half(x)·sin) on both queries and keys, or a learned "
                      "position table added to the token embedding",
                      g_.where(*where), l,
                      layer.q_rope   ? "queries only"
                      : layer.k_rope ? "keys only"
                                     : "neither"));
    }
  }

  // Walks from the Softmax input back through the mask (Where, Add) and the scale (Div, Mul by a constant) to
  // the QKᵀ MatMul, multiplying the scale factors it passes.
  const Node* score_matmul(const Node& softmax, int l, double& scale) {
    std::string t = softmax.input(0);
    for (;;) {
      const Node* n = g_.producer(t);
      if (n == nullptr) break;
      const std::string& op = n->op_type();
      if (op == "MatMul" && !g_.is_constant(n->input(0)) && !g_.is_constant(n->input(1))) return n;
      if ((op == "Div" || op == "Mul") && g_.scalar(n->input(1))) {
        const double c = *g_.scalar(n->input(1));
        scale *= op == "Div" ? 1.0 / c : c;
        t = n->input(0);
      } else if (op == "Mul" && g_.scalar(n->input(0))) {
        scale *= *g_.scalar(n->input(0));
        t = n->input(1);
      } else if (op == "Where" || op == "Add") {
        t = input_reaching_scores(*n, l);
      } else if (op == "Cast" || op == "Identity") {
        t = n->input(0);
      } else {
        throw InputError(
            fmt::format("{}: unexpected op in layer {}'s attention scores, expected QKᵀ (MatMul), "
                        "scaled (Div or Mul by a constant), masked (Where or Add of a mask), then "
                        "Softmax",
                        g_.where(*n), l));
      }
    }
    throw InputError(
        fmt::format("{}: expected the QKᵀ MatMul before this Softmax (layer {})", g_.where(softmax), l));
  }

  // Of a mask op's inputs, the one the scores come through (the mask branch holds no QKᵀ MatMul).
  std::string input_reaching_scores(const Node& n, int l) {
    for (const std::string& input : n.input()) {
      if (reaches_scores(input, 8)) return input;
    }
    throw InputError(fmt::format(
        "{}: expected one input of this mask op to carry layer {}'s attention scores", g_.where(n), l));
  }

  bool reaches_scores(const std::string& t, int depth) const {
    const Node* n = g_.producer(t);
    if (n == nullptr || depth == 0 || n->op_type() == "Softmax") return false;
    if (n->op_type() == "MatMul" && !g_.is_constant(n->input(0)) && !g_.is_constant(n->input(1))) return true;
    for (const std::string& input : n->input()) {
      if (!input.empty() && reaches_scores(input, depth - 1)) return true;
    }
    return false;
  }

  // P·V: the MatMul reading the probabilities as its first operand.
  const Node& value_matmul(const Node& softmax, int l) const {
    std::string t = softmax.output(0);
    for (const Node* n = single_consumer(t); n != nullptr; n = single_consumer(t)) {
      if (n->op_type() == "MatMul" && n->input(0) == t) return *n;
      if (n->op_type() != "Cast" && n->op_type() != "Dropout" && n->op_type() != "Identity") break;
      t = n->output(0);
    }
    throw InputError(fmt::format("{}: expected the P·V MatMul to read this Softmax's output (layer {})",
                                 g_.where(softmax), l));
  }

  // From an attention operand back through head shaping (and RoPE, where `rope` may hold it) to the
  // projection producing it, or to its part of a fused QKV projection.
  Projection walk_to_projection(std::string t, const char* role, int l, double& scale,
                                std::optional<Rope>* rope) {
    const Node* block_repeat = nullptr;
    for (;;) {
      if (std::optional<Projection> p = projection_at(t)) {
        p->block_repeat = block_repeat;
        return *p;
      }
      const Node* n = g_.producer(t);
      if (n == nullptr) {
        throw InputError(
            fmt::format("{}: layer {}'s {} operand reaches '{}', which no node computes; expected {}",
                        g_.file(), l, role, t, kHeadPathExpected));
      }
      const std::string& op = n->op_type();
      if (op == "Split" || op == "Slice") {
        if (std::optional<Projection> whole = projection_at(unflattened(n->input(0)))) {
          Projection part = fused_part(g_, *n, t, *whole, role, l);
          part.block_repeat = block_repeat;
          return part;
        }
      }
      if (op == "Add" && rope != nullptr) {
        if (std::optional<RopeMatch> match = match_rope(g_, *n)) {
          if (*rope) {
            throw InputError(fmt::format("{}: layer {}'s {} path is rotated twice (RoPE), expected once",
                                         g_.where(*n), l, role));
          }
          *rope = std::move(match->rope);
          t = match->input;
          continue;
        }
      }
      if (op == "Tile" && repeats_head_blocks(*n)) block_repeat = n;
      if ((op == "Div" || op == "Mul") && g_.scalar(n->input(1))) {
        const double c = *g_.scalar(n->input(1));
        scale *= op == "Div" ? 1.0 / c : c;
      } else if (!kHeadShaping.count(op)) {
        throw InputError(fmt::format("{}: unexpected op in layer {}'s {} path, expected {}{}", g_.where(*n),
                                     l, role, kHeadPathExpected,
                                     rope ? ", RoPE (x·cos + rotate_half(x)·sin) and a constant scale" : ""));
      }
      t = n->input(0);
    }
  }

  // A Tile of a [batch, heads, tokens, head_dim] (or [batch, tokens, heads, head_dim]) tensor repeating the
  // heads axis: whole blocks of heads, not each head for its group (which tiles an inserted axis, then
  // reshapes).
  bool repeats_head_blocks(const Node& tile) const {
    const std::optional<TensorValues> repeats = g_.constant(tile.input(1));
    return repeats && repeats->numel() == 4 && (repeats->values[1] > 1 || repeats->values[2] > 1);
  }

  // A Linear's output: MatMul/Gemm against a constant weight, and the bias Add when there is one.
  std::optional<Projection> projection_at(const std::string& t) const {
    const Node* n = g_.producer(t);
    if (n == nullptr) return std::nullopt;
    const Node* bias_add = nullptr;
    if (n->op_type() == "Add") {
      const bool bias_first = g_.is_constant(n->input(0));
      const Node* inner = g_.producer(n->input(bias_first ? 1 : 0));
      if (!(bias_first || g_.is_constant(n->input(1))) || inner == nullptr || !is_linear(*inner))
        return std::nullopt;
      bias_add = n;
      n = inner;
    }
    if (!is_linear(*n)) return std::nullopt;
    Projection p = linear(*n);
    if (bias_add != nullptr) {
      p.bias = g_.constant(bias_add->input(g_.is_constant(bias_add->input(0)) ? 0 : 1));
    }
    return p;
  }

  bool is_linear(const Node& n) const {
    if (n.op_type() == "Gemm") return g_.is_constant(n.input(1));
    if (n.op_type() != "MatMul") return false;
    if (g_.is_constant(n.input(1))) return true;
    const Node* t = g_.producer(n.input(1));
    return t != nullptr && t->op_type() == "Transpose" && g_.is_constant(t->input(0));
  }

  // The weight as [out][in]: MatMul reads W^T (folded into an initializer or as a Transpose of W), Gemm reads
  // W with transB = 1.
  Projection linear(const Node& n) const {
    Projection p;
    p.matmul = &n;
    const Node* transpose = g_.producer(n.input(1));
    if (n.op_type() == "MatMul" && transpose != nullptr && transpose->op_type() == "Transpose") {
      p.weight_name = transpose->input(0);
      p.weight = *g_.constant(p.weight_name);
    } else {
      p.weight_name = n.input(1);
      p.weight = *g_.constant(p.weight_name);
      const bool stored_out_in = n.op_type() == "Gemm" && attribute_int(n, "transB", 0) == 1;
      if (p.weight.dims.size() != 2) {
        throw InputError(fmt::format("{}: weight '{}' has rank {}, expected a 2-D projection weight",
                                     g_.where(n), p.weight_name, p.weight.dims.size()));
      }
      if (!stored_out_in) p.weight = transposed(p.weight);
    }
    if (n.op_type() == "Gemm" && n.input_size() > 2 && !n.input(2).empty()) p.bias = g_.constant(n.input(2));
    p.out = p.weight.dims.at(0);
    p.in = p.weight.dims.at(1);
    return p;
  }

  // What a projection writes: after its bias Add, and after the Reshape back to [batch, tokens, width] of
  // Hugging Face GPT-2's Conv1D (torch.addmm on the tokens flattened to 2-D, exported as Reshape, Gemm,
  // Reshape).
  std::string output_of(const Projection& p) const {
    const std::string& out = p.matmul->output(0);
    const Node* add = single_consumer(out);
    const std::string biased = p.bias && add != nullptr && add->op_type() == "Add" ? add->output(0) : out;
    const Node* reshape = single_consumer(biased);
    return reshape != nullptr && reshape->op_type() == "Reshape" ? reshape->output(0) : biased;
  }

  // What a projection reads: its input, or the input of the Reshape flattening it (Conv1D).
  std::string input_of(const Projection& p) const {
    const std::string& in = p.matmul->input(0);
    const Node* reshape = g_.producer(in);
    return reshape != nullptr && reshape->op_type() == "Reshape" ? reshape->input(0) : in;
  }

  // A projection's output under a Conv1D's Reshape back to 3-D, or `t` itself.
  std::string unflattened(const std::string& t) const {
    const Node* reshape = g_.producer(t);
    if (reshape != nullptr && reshape->op_type() == "Reshape" && projection_at(reshape->input(0)))
      return reshape->input(0);
    return t;
  }

  // The projections reading `t`, directly or through a Reshape flattening it (Conv1D).
  std::vector<Projection> projections_reading(const std::string& t) const {
    std::vector<Projection> found;
    for (const Node* n : g_.consumers(t)) {
      if (n->op_type() == "Reshape") {
        for (const Node* m : g_.consumers(n->output(0))) {
          if (is_linear(*m) && m->input(0) == n->output(0))
            found.push_back(*projection_at(output_with_bias(*m)));
        }
      } else if (is_linear(*n) && n->input(0) == t) {
        found.push_back(*projection_at(output_with_bias(*n)));
      }
    }
    return found;
  }

  // The projection reading `t`, directly or through a Conv1D's flattening Reshape; nullptr for none.
  const Node* projection_reading(const std::string& t) const {
    const Node* n = single_consumer(t);
    if (n != nullptr && n->op_type() == "Reshape") n = single_consumer(n->output(0));
    return n != nullptr && is_linear(*n) ? n : nullptr;
  }

  // The output projection: the first Linear after P·V, through the heads' merge (Transpose, Reshape).
  Projection projection_after(std::string t, int l) const {
    for (const Node* n = single_consumer(t); n != nullptr; n = single_consumer(t)) {
      if (is_linear(*n) && n->input(0) == t) return *projection_at(output_with_bias(*n));
      if (!kHeadShaping.count(n->op_type())) {
        throw InputError(
            fmt::format("{}: unexpected op after layer {}'s P·V, expected the heads merged (Transpose, "
                        "Reshape) into the output projection",
                        g_.where(*n), l));
      }
      t = n->output(0);
    }
    throw InputError(
        fmt::format("{}: layer {}'s P·V output '{}' has no single consumer, expected the output "
                    "projection",
                    g_.file(), l, t));
  }

  std::string output_with_bias(const Node& linear_node) const {
    const Node* add = single_consumer(linear_node.output(0));
    if (add != nullptr && add->op_type() == "Add" &&
        (g_.is_constant(add->input(0)) || g_.is_constant(add->input(1)))) {
      return add->output(0);
    }
    return linear_node.output(0);
  }

  // The residual Add of the stream `x` and a branch's output.
  std::string residual(const std::string& x, const std::string& branch, int l, const char* what) const {
    const Node* add = single_consumer(branch);
    if (add == nullptr || add->op_type() != "Add" || !reads(*add, x)) {
      throw InputError(
          fmt::format("{}: expected layer {}'s {} output '{}' to be added to the residual stream '{}'",
                      add ? g_.where(*add) : g_.file(), l, what, branch, x));
    }
    return add->output(0);
  }

  // The MLP on the second norm's output: one up projection (GELU MLP) or two (gate and up, gated MLP).
  void mlp(const std::string& normed, int l, MatchedLayer& layer) const {
    const std::vector<Projection> ups = projections_reading(normed);
    if (ups.size() == 1) {
      layer.up = ups.front();
      layer.down = gelu_then_down(output_of(layer.up), l, layer.gelu);
      return;
    }
    if (ups.size() == 2) return gated(ups, l, layer);
    throw InputError(
        fmt::format("{}: layer {}'s MLP reads '{}' with {} projections, expected one (up, GELU, "
                    "down) or two (gate and up of a gated MLP)",
                    g_.file(), l, normed, ups.size()));
  }

  // act(x·W_gate) ⊙ (x·W_up), then the down projection: the up projection feeds the product directly, the
  // gate through SiLU (Sigmoid·x) or GELU.
  void gated(const std::vector<Projection>& ups, int l, MatchedLayer& layer) const {
    const Node* product = nullptr;
    int up = -1;
    for (int i = 0; i < 2 && product == nullptr; ++i) {
      for (const Node* n : g_.consumers(output_of(ups[static_cast<std::size_t>(i)]))) {
        if (n->op_type() == "Mul" && reads_output_of(*n, ups[static_cast<std::size_t>(1 - i)])) {
          product = n;
          up = i;
        }
      }
    }
    if (product == nullptr) {
      throw InputError(
          fmt::format("{}: layer {}'s two MLP projections are not joined by a product, expected "
                      "act(gate) ⊙ up (SwiGLU or GeGLU) before the down projection",
                      g_.where(*ups.front().matmul), l));
    }
    layer.up = ups[static_cast<std::size_t>(up)];
    layer.gate = ups[static_cast<std::size_t>(1 - up)];
    const std::string& activated = product->input(product->input(0) == output_of(layer.up) ? 1 : 0);
    layer.mlp = gate_activation(activated, output_of(layer.gate), l, layer.gelu);
    const Node* down = projection_reading(product->output(0));
    if (down == nullptr) {
      throw InputError(
          fmt::format("{}: layer {}'s gated product is not read by one projection, expected the "
                      "MLP's down projection",
                      g_.where(*product), l));
    }
    layer.down = *projection_at(output_with_bias(*down));
  }

  // Whether `product` reads, through the gate's activation ops, the output of `other`.
  bool reads_output_of(const Node& product, const Projection& other) const {
    const std::string gate_out = output_of(other);
    std::deque<std::string> frontier(product.input().begin(), product.input().end());
    for (int steps = 0; !frontier.empty() && steps < 64; ++steps) {
      const std::string t = frontier.front();
      frontier.pop_front();
      if (t == gate_out) return true;
      const Node* n = g_.producer(t);
      if (n == nullptr || !kGateOps.count(n->op_type())) continue;
      frontier.insert(frontier.end(), n->input().begin(), n->input().end());
    }
    return false;
  }

  // The activation between the gate's output and the product: every op one of SiLU's (Sigmoid, Mul) or
  // GELU's forms.
  MlpKind gate_activation(const std::string& activated, const std::string& gate_out, int l,
                          GeluForm& form) const {
    bool sigmoid = false, gelu = false;
    std::deque<std::string> frontier{activated};
    std::set<const Node*> seen;
    while (!frontier.empty()) {
      const std::string t = frontier.front();
      frontier.pop_front();
      if (t == gate_out || g_.is_constant(t)) continue;
      const Node* n = g_.producer(t);
      if (n == nullptr || !seen.insert(n).second) continue;
      if (!kGateOps.count(n->op_type())) {
        throw InputError(
            fmt::format("{}: unexpected op on layer {}'s MLP gate, expected SiLU (Sigmoid and "
                        "Mul) or GELU (Gelu, or its erf or tanh form)",
                        g_.where(*n), l));
      }
      sigmoid |= n->op_type() == "Sigmoid";
      gelu |= n->op_type() == "Gelu" || n->op_type() == "Erf" || n->op_type() == "Tanh";
      if (n->op_type() == "Tanh" || attribute_string(*n, "approximate") == "tanh") form = GeluForm::Tanh;
      frontier.insert(frontier.end(), n->input().begin(), n->input().end());
    }
    if (sigmoid == gelu) {
      throw InputError(
          fmt::format("{}: layer {}'s MLP gate has {}, expected SiLU (Sigmoid·x: SwiGLU) or GELU "
                      "(GeGLU)",
                      g_.file(), l, sigmoid ? "both Sigmoid and GELU" : "no activation"));
    }
    return sigmoid ? MlpKind::SwiGlu : MlpKind::GeGlu;
  }

  // Everything between the MLP's up and down projections must be one of the GELU forms; `form` is set to the
  // one found (tanh when a Tanh node or Gelu(approximate="tanh") is there).
  Projection gelu_then_down(const std::string& up_out, int l, GeluForm& form) const {
    std::deque<std::string> frontier{up_out};
    std::set<const Node*> seen;
    bool saw_gelu = false;
    const Node* down = nullptr;
    while (!frontier.empty()) {
      const std::string t = frontier.front();
      frontier.pop_front();
      for (const Node* n : g_.consumers(t)) {
        if (!seen.insert(n).second || n->op_type() == "Shape") continue;  // a shape query reads no values
        const Node* linear = is_linear(*n)               ? n
                             : n->op_type() == "Reshape" ? projection_reading(n->output(0))
                                                         : nullptr;
        if (linear != nullptr) {
          down = linear;
          continue;
        }
        if (!kGeluOps.count(n->op_type())) {
          throw InputError(
              fmt::format("{}: unexpected op in layer {}'s MLP, expected GELU (Gelu, or its erf or tanh "
                          "form) between the up and down projections",
                          g_.where(*n), l));
        }
        saw_gelu |= n->op_type() == "Gelu" || n->op_type() == "Erf" || n->op_type() == "Tanh";
        if (n->op_type() == "Tanh" || attribute_string(*n, "approximate") == "tanh") form = GeluForm::Tanh;
        frontier.push_back(n->output(0));
      }
    }
    if (down == nullptr || !saw_gelu) {
      throw InputError(
          fmt::format("{}: expected layer {}'s MLP as up projection, GELU, down projection after '{}'",
                      g_.file(), l, up_out));
    }
    return *projection_at(output_with_bias(*down));
  }

  // LayerNorm (fused or decomposed) or RMSNorm (decomposed) on the stream `x`; sets norm_output_.
  Norm norm_at(const std::string& x, const std::string& what) {
    for (const Node* n : g_.consumers(x)) {
      if (n->op_type() == "LayerNormalization" && n->input_size() >= 3) {
        norm_output_ = n->output(0);
        const std::optional<double> eps = attribute_float(*n, "epsilon");
        return Norm{n, NormKind::LayerNorm, *g_.constant(n->input(1)), *g_.constant(n->input(2)),
                    eps.value_or(1e-5)};
      }
      if (n->op_type() == "ReduceMean") {
        if (std::optional<Norm> norm = decomposed_norm(*n, x)) return *norm;
      }
      if (n->op_type() == "Pow" && n->input(0) == x && g_.scalar(n->input(1)) == 2.0) {
        if (std::optional<Norm> norm = rms_norm(*n, x)) return *norm;
      }
    }
    throw InputError(
        fmt::format("{}: expected {} (LayerNormalization; or ReduceMean, Sub, Pow, ReduceMean, Add, "
                    "Sqrt, Div, Mul, Add; or RMSNorm as Pow, ReduceMean, Add, Sqrt, Div or Reciprocal, "
                    "Mul, Mul by the gain) to read '{}'",
                    g_.file(), what, x));
  }

  // x / sqrt(mean(x²) + ε) × gain, or x × (1 / sqrt(…)) (torch.rsqrt, Reciprocal), as Llama's RMSNorm
  // exports.
  std::optional<Norm> rms_norm(const Node& pow, const std::string& x) {
    const Node* mean = consumer(pow.output(0), "ReduceMean");
    const Node* add = mean ? consumer(mean->output(0), "Add") : nullptr;
    const Node* sqrt = add ? consumer(add->output(0), "Sqrt") : nullptr;
    if (sqrt == nullptr) return std::nullopt;
    check_last_axis(*mean);
    std::string normalised;
    for (const Node* n : g_.consumers(sqrt->output(0))) {
      if (n->op_type() == "Div" && n->input(0) == x) normalised = n->output(0);
      const bool inverse =
          n->op_type() == "Reciprocal" ||
          (n->op_type() == "Div" && n->input(1) == sqrt->output(0) && g_.scalar(n->input(0)) == 1.0);
      const Node* mul = inverse ? consumer(n->output(0), "Mul") : nullptr;
      if (mul != nullptr && reads(*mul, x)) normalised = mul->output(0);
    }
    const Node* gain = normalised.empty() ? nullptr : consumer(normalised, "Mul");
    if (gain == nullptr) return std::nullopt;
    const std::string& weight = gain->input(0) == normalised ? gain->input(1) : gain->input(0);
    if (!g_.is_constant(weight)) return std::nullopt;
    std::optional<double> eps;
    for (const std::string& in : add->input()) {
      if (!eps) eps = g_.scalar(in);
    }
    norm_output_ = gain->output(0);
    return Norm{&pow, NormKind::RmsNorm, *g_.constant(weight), {}, eps.value_or(1e-6)};
  }

  // A norm's statistics run over the channels: ReduceMean's axes (an attribute; an input from opset 18) are
  // the last one.
  void check_last_axis(const Node& mean) const {
    std::optional<std::vector<int64_t>> axes = attribute_ints(mean, "axes");
    if (!axes && mean.input_size() > 1) {
      if (const std::optional<TensorValues> v = g_.constant(mean.input(1)))
        axes = std::vector<int64_t>(v->values.begin(), v->values.end());
    }
    if (!axes || axes->size() != 1 || !(axes->front() == -1 || axes->front() == 2)) {
      throw InputError(fmt::format("{}: a norm's mean over axes [{}], expected the last axis (-1)",
                                   g_.where(mean), axes ? fmt::format("{}", fmt::join(*axes, ", ")) : "all"));
    }
  }

  // (x − mean) / sqrt(var + eps) × gain + bias, as opsets below 17 export nn.LayerNorm.
  std::optional<Norm> decomposed_norm(const Node& mean, const std::string& x) {
    const Node* sub = consumer(mean.output(0), "Sub");
    if (sub == nullptr || sub->input(0) != x) return std::nullopt;
    const Node* div = nullptr;
    for (const Node* n : g_.consumers(sub->output(0))) {
      if (n->op_type() == "Div" && n->input(0) == sub->output(0)) div = n;
    }
    const Node* mul = div ? consumer(div->output(0), "Mul") : nullptr;
    const Node* add = mul ? consumer(mul->output(0), "Add") : nullptr;
    if (add == nullptr) return std::nullopt;
    const std::string& gain = g_.is_constant(mul->input(1)) ? mul->input(1) : mul->input(0);
    const std::string& bias = g_.is_constant(add->input(1)) ? add->input(1) : add->input(0);
    if (!g_.is_constant(gain) || !g_.is_constant(bias)) return std::nullopt;
    check_last_axis(mean);
    norm_output_ = add->output(0);
    return Norm{&mean, NormKind::LayerNorm, *g_.constant(gain), *g_.constant(bias), decomposed_epsilon(*div)};
  }

  // The ε of a decomposed LayerNorm: the constant added to the variance under the Sqrt that `div` divides by
  // (PyTorch's default 1e-5 when that form is not found).
  double decomposed_epsilon(const Node& div) const {
    const Node* sqrt = g_.producer(div.input(1));
    const Node* add = sqrt && sqrt->op_type() == "Sqrt" ? g_.producer(sqrt->input(0)) : nullptr;
    if (add == nullptr || add->op_type() != "Add") return 1e-5;
    for (const std::string& in : add->input()) {
      if (const std::optional<double> eps = g_.scalar(in)) return *eps;
    }
    return 1e-5;
  }

  // The LM head: a Linear on the final LayerNorm's output. Tied when it reads the token embedding itself, or
  // a copy of its transpose (torch.onnx.export folds Transpose(wte) into a new initializer).
  void lm_head(const std::string& normed) {
    for (const Projection& head_found : projections_reading(normed)) {
      const Node* n = head_found.matmul;
      model_.lm_head = head_found;
      const Projection& head = model_.lm_head;
      model_.tied_lm_head = head.weight_name == token_name_;
      if (!model_.tied_lm_head && !head.bias && head.weight.values == model_.token_embedding.values) {
        model_.tied_lm_head = true;
        model_.diagnostics.push_back(Diagnostic::note(
            fmt::format("{}: LM head weight '{}' equals the transposed token embedding: read as "
                        "tied (the exporter folded the transpose)",
                        g_.where(*n), head.weight_name)));
      }
      return;
    }
    throw InputError(
        fmt::format("{}: expected the LM head (MatMul or Gemm) to read the final norm's output "
                    "'{}'",
                    g_.file(), normed));
  }

  // The one node reading `t`'s values: Shape nodes read only its shape (Conv1D's x.size()), so they do not
  // count.
  const Node* single_consumer(const std::string& t) const {
    std::vector<const Node*> users = g_.consumers(t);
    users.erase(
        std::remove_if(users.begin(), users.end(), [](const Node* n) { return n->op_type() == "Shape"; }),
        users.end());
    return users.size() == 1 ? users.front() : nullptr;
  }

  const Node* consumer(const std::string& t, const std::string& op) const {
    for (const Node* n : g_.consumers(t)) {
      if (n->op_type() == op) return n;
    }
    return nullptr;
  }

  static bool reads(const Node& n, const std::string& t) {
    for (const std::string& input : n.input()) {
      if (input == t) return true;
    }
    return false;
  }

  const OnnxGraph& g_;
  MatchedModel model_;
  std::vector<const Node*> softmaxes_;
  std::string token_name_;
  std::string norm_output_;
};

}  // namespace

MatchedModel match_blocks(const OnnxGraph& graph) { return Matcher(graph).match(); }

}  // namespace neurokv::onnx_import

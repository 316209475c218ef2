#include "tests/unit/ir_sample.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/mesh.hpp"

namespace neurokv::test {
namespace {

using ir::LinearRole;
using ir::NpCoord;
using ir::OpKind;

class Builder {
 public:
  Builder() {
    p_.model = {"tiny", 1, 8, 2, 4, 16, 16, 8, ir::Network::Transformer, "", 0};
    p_.variant = "Q-K=V";
    p_.kv_heads = 2;
    p_.chip = {"test-chip", 2, 2, 4, 4096, 4096, true, "", ""};
    p_.precision = {8, 8, 8};
    p_.context = 8;
    p_.fused_kv = false;
  }

  ir::Op& op(std::string name, OpKind kind, std::vector<int> inputs, int64_t in, int64_t out) {
    ir::Op op;
    op.id = static_cast<int>(p_.ops.size());
    op.name = std::move(name);
    op.kind = kind;
    op.layer = 0;
    op.inputs = std::move(inputs);
    op.in_features = in;
    op.out_features = out;
    op.weight_bits = ir::has_weights(kind) ? 8 : 0;
    op.bias = kind == OpKind::LayerNorm;  // gain and bias
    op.act_bits = 8;
    p_.ops.push_back(op);
    return p_.ops.back();
  }

  ir::Op& linear(std::string name, LinearRole role, int input, int64_t in, int64_t out) {
    ir::Op& o = op(std::move(name), OpKind::Linear, {input}, in, out);
    o.role = role;
    o.bias = true;
    return o;
  }

  ir::Op& attention(std::string name, OpKind kind, std::vector<int> inputs) {
    ir::Op& o = op(std::move(name), kind, std::move(inputs), 8, kind == OpKind::Softmax ? 2 : 8);
    o.heads = 2;
    o.kv_heads = 2;
    o.head_dim = 4;
    return o;
  }

  void tile(NpCoord np, int64_t begin, int64_t end, int64_t bytes = 0, int pass = 0) {
    auto& tiles = p_.ops.back().tiles;
    tiles.push_back({static_cast<int>(tiles.size()), np, begin, end, bytes, pass});
  }

  void route(int src_op, int src_tile, int dst_op, std::vector<int> dst_tiles) {
    std::vector<NpCoord> dsts;
    for (int t : dst_tiles)
      dsts.push_back(p_.ops[static_cast<std::size_t>(dst_op)].tiles[static_cast<std::size_t>(t)].np);
    const NpCoord src = p_.ops[static_cast<std::size_t>(src_op)].tiles[static_cast<std::size_t>(src_tile)].np;
    const int hops = ir::MulticastDestinations(dsts).tree_links(src);
    p_.routes.push_back({src_op, src_tile, dst_op, std::move(dst_tiles), hops});
  }

  // Each op in the wave after its latest input, waiting on its inputs.
  ir::Program finish() {
    std::vector<int> wave(p_.ops.size(), 0);
    for (const ir::Op& o : p_.ops) {
      for (int input : o.inputs)
        wave[static_cast<std::size_t>(o.id)] =
            std::max(wave[static_cast<std::size_t>(o.id)], wave[static_cast<std::size_t>(input)] + 1);
      const ir::Step step{o.id, wave[static_cast<std::size_t>(o.id)], o.inputs, false};
      p_.decode.push_back(step);
      p_.prefill.push_back(step);
    }
    p_.prefill.back().last_token_only = true;  // the LM head
    return std::move(p_);
  }

  ir::Program& program() { return p_; }

 private:
  ir::Program p_;
};

}  // namespace

ir::Program sample_program() {
  Builder b;
  ir::Buffer keys{"l0.k", 0, ir::BufferRole::Keys, 2, 4, 8, 8, 8, ir::Storage::Sram, {{0, 1, 0}, {0, 1, 1}}};
  ir::Buffer values{"l0.v", 0, ir::BufferRole::Values, 2, 4, 8, 8, 8, ir::Storage::Dram, {}};
  b.program().buffers = {keys, values};

  b.op("embed", OpKind::Embed, {}, 16, 8).layer = -1;  // tied: its table is lm_head's
  b.tile({0, 0, 0}, 0, 8);
  b.op("pos_embed", OpKind::PosEmbed, {}, 8, 8).layer = -1;
  b.tile({0, 0, 1}, 0, 8, 64);
  b.op("embed_add", OpKind::Add, {0, 1}, 8, 8).layer = -1;
  b.tile({0, 0, 0}, 0, 8);
  b.op("l0.ln1", OpKind::LayerNorm, {2}, 8, 8);
  b.tile({0, 0, 2}, 0, 8, 16);
  b.linear("l0.q_proj", LinearRole::Q, 3, 8, 8);  // %4: split over two nodes
  b.tile({0, 0, 0}, 0, 4, 36);
  b.tile({1, 0, 0}, 4, 8, 36);
  b.linear("l0.k_proj", LinearRole::K, 3, 8, 8).input_density = 0.35;
  b.tile({1, 0, 1}, 0, 8, 72);
  ir::Op& v = b.linear("l0.v_proj", LinearRole::V, 3, 8, 8);  // %6: streamed in two passes
  v.weights = ir::Storage::Dram;
  b.tile({1, 1, 0}, 0, 4, 36, 1);
  b.tile({1, 1, 0}, 4, 8, 36, 2);
  b.attention("l0.k_append", OpKind::KvAppend, {5}).buffer = 0;  // one tile over the whole row
  b.tile({0, 1, 0}, 0, 8);
  b.attention("l0.v_append", OpKind::KvAppend, {6}).buffer = 1;
  b.tile({0, 1, 1}, 0, 8);
  b.attention("l0.k_read", OpKind::KvRead, {7}).buffer = 0;
  b.tile({0, 1, 0}, 0, 2);
  b.attention("l0.v_read", OpKind::KvRead, {8}).buffer = 1;
  b.tile({0, 1, 1}, 0, 2);
  b.attention("l0.score", OpKind::AttnScore, {4, 9}).input_density = 0.5;  // %11
  b.tile({0, 0, 3}, 0, 1);
  b.tile({1, 1, 2}, 1, 2);
  b.attention("l0.softmax", OpKind::Softmax, {11});
  b.tile({1, 1, 3}, 0, 2);
  b.attention("l0.value", OpKind::AttnValue, {12, 10});
  b.tile({1, 1, 3}, 0, 2);
  b.linear("l0.o_proj", LinearRole::O, 13, 8, 8);
  b.tile({1, 0, 2}, 0, 8, 72);
  b.op("l0.add1", OpKind::Add, {2, 14}, 8, 8);
  b.tile({1, 0, 2}, 0, 8);
  b.op("l0.ln2", OpKind::LayerNorm, {15}, 8, 8);
  b.tile({1, 0, 3}, 0, 8, 16);
  b.linear("l0.mlp_up", LinearRole::MlpUp, 16, 8, 16);
  b.tile({0, 1, 2}, 0, 16, 144);
  b.op("l0.gelu", OpKind::Gelu, {17}, 16, 16);
  b.tile({0, 1, 2}, 0, 16);
  b.linear("l0.mlp_down", LinearRole::MlpDown, 18, 16, 8);
  b.tile({0, 1, 3}, 0, 8, 136);
  b.op("l0.add2", OpKind::Add, {15, 19}, 8, 8);
  b.tile({0, 1, 3}, 0, 8);
  b.op("ln_f", OpKind::LayerNorm, {20}, 8, 8).layer = -1;
  b.tile({1, 1, 1}, 0, 8, 16);
  ir::Op& head = b.linear("lm_head", LinearRole::LmHead, 21, 8, 16);  // %22, tied to the embedding
  head.layer = -1;
  head.bias = false;
  head.tied_to = 0;
  b.tile({0, 0, 0}, 0, 16, 128);

  b.route(3, 0, 4, {0, 1});  // multicast to both q_proj tiles, one of them a node away
  b.route(4, 1, 11, {0, 1});
  b.route(5, 0, 7, {0});
  b.route(12, 0, 13, {0});
  return b.finish();
}

}  // namespace neurokv::test

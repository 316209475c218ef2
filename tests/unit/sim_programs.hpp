#pragma once
// Small hand-built Event IR programs for the simulator's tests: one decoder layer of two Linear ops on an
// akida2-like chip, optionally with a streamed (DRAM) op and a DRAM KV-cache read.
#include <string>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::test {

inline HwConfig akida2() { return load_hw("akida2-like", std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs"); }

struct TinyOptions {
  double density = 1.0;      // input density of every Linear op
  bool streamed = false;     // the second Linear's weights stream from DRAM
  bool kv_in_dram = false;   // add a KvRead of a DRAM K buffer feeding the second Linear
  bool shared_link = false;  // the first Linear's tiles on one node, their routes sharing one link
  int64_t context = 64;
};

// op 0 "l0.q_proj": 512 → 64 in 4 tiles of 16 channels on the four neighbours of node (1,1) (shared_link: on
// NPs (0,1,0..3)); every tile multicasts to both tiles of op 1 "l0.o_proj": 64 → 64 on NPs (1,1,0) and
// (1,1,1), one hop away, each over its own link (shared_link: all over the link (0,1) → (1,1)).
inline ir::Program tiny_program(const TinyOptions& o = {}) {
  ir::Program p;
  p.model = {"tiny", 1, 64, 1, 64, 256, 256, 256, ir::Network::Transformer, "", 0};
  p.variant = "QKV";
  p.kv_heads = 1;
  p.chip = {"akida2-like", 8, 8, 4, 51200, 65536, true, "", ""};
  p.precision = {8, 8, 8};
  p.context = o.context;

  auto linear = [&](int id, const std::string& name, int64_t in, int64_t out, ir::LinearRole role) {
    ir::Op op;
    op.id = id;
    op.name = name;
    op.kind = ir::OpKind::Linear;
    op.layer = 0;
    op.role = role;
    op.in_features = in;
    op.out_features = out;
    op.input_density = o.density;
    op.weight_bits = 8;
    op.act_bits = 8;
    return op;
  };
  ir::Op q = linear(0, "l0.q_proj", 512, 64, ir::LinearRole::Q);
  const ir::NpCoord neighbours[4] = {{0, 1, 0}, {2, 1, 0}, {1, 0, 0}, {1, 2, 0}};
  for (int i = 0; i < 4; ++i) {
    const ir::NpCoord np = o.shared_link ? ir::NpCoord{0, 1, i} : neighbours[i];
    q.tiles.push_back({i, np, 16 * i, 16 * (i + 1), 512 * 16, 0});
  }
  ir::Op out = linear(1, "l0.o_proj", 64, 64, ir::LinearRole::O);
  if (o.streamed) out.weights = ir::Storage::Dram;
  for (int i = 0; i < 2; ++i) out.tiles.push_back({i, {1, 1, i}, 32 * i, 32 * (i + 1), 64 * 32, 0});
  p.ops = {q, out};
  for (int i = 0; i < 4; ++i) p.routes.push_back({0, i, 1, {0, 1}, 1});
  p.decode = {{0, 0, {}, false}, {1, 1, {0}, false}};
  p.prefill = p.decode;

  if (o.kv_in_dram) {
    ir::Buffer k;
    k.name = "l0.k";
    k.layer = 0;
    k.kv_heads = 1;
    k.head_dim = 64;
    k.bits = 8;
    k.bytes_per_token = 64;
    k.capacity_tokens = o.context;
    k.location = ir::Storage::Dram;
    p.buffers.push_back(k);
    ir::Op read;
    read.id = 2;
    read.name = "l0.kv_read";
    read.kind = ir::OpKind::KvRead;
    read.layer = 0;
    read.in_features = 64;
    read.out_features = 64;
    read.heads = 1;
    read.kv_heads = 1;
    read.head_dim = 64;
    read.buffer = 0;
    read.act_bits = 8;
    read.tiles.push_back({0, {2, 2, 0}, 0, 1, 0, 0});
    p.ops.push_back(read);
    p.routes.push_back({2, 0, 1, {0, 1}, 2});
    p.decode.insert(p.decode.begin() + 1, {2, 0, {}, false});
    p.prefill = p.decode;
  }
  return p;
}

}  // namespace neurokv::test

#include "compiler/ir/program.hpp"

namespace neurokv::ir {

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Embed: return "embed";
    case OpKind::PosEmbed: return "pos_embed";
    case OpKind::LayerNorm: return "layernorm";
    case OpKind::Linear: return "linear";
    case OpKind::KvAppend: return "kv_append";
    case OpKind::KvRead: return "kv_read";
    case OpKind::AttnScore: return "attn_score";
    case OpKind::Softmax: return "softmax";
    case OpKind::AttnValue: return "attn_value";
    case OpKind::Gelu: return "gelu";
    case OpKind::Add: return "add";
  }
  return "?";
}

const char* to_string(LinearRole role) {
  switch (role) {
    case LinearRole::None: return "none";
    case LinearRole::Q: return "q";
    case LinearRole::K: return "k";
    case LinearRole::V: return "v";
    case LinearRole::O: return "o";
    case LinearRole::MlpUp: return "mlp_up";
    case LinearRole::MlpDown: return "mlp_down";
    case LinearRole::LmHead: return "lm_head";
  }
  return "?";
}

const char* to_string(Storage storage) { return storage == Storage::Sram ? "sram" : "dram"; }

const char* to_string(BufferRole role) { return role == BufferRole::Keys ? "keys" : "values"; }

namespace {

int64_t op_parameters(const Op& op) {
  switch (op.kind) {
    case OpKind::Linear:
      if (op.tied_to >= 0) return 0;
      return op.in_features * op.out_features + (op.bias ? op.out_features : 0);
    case OpKind::Embed:
    case OpKind::PosEmbed: return op.in_features * op.out_features;
    case OpKind::LayerNorm: return 2 * op.out_features;
    default: return 0;
  }
}

}  // namespace

int64_t parameter_count(const Program& program) {
  int64_t total = 0;
  for (const Op& op : program.ops) total += op_parameters(op);
  return total;
}

int64_t weight_bytes(const Program& program) {
  int64_t total = 0;
  for (const Op& op : program.ops) total += (op_parameters(op) * op.weight_bits + 7) / 8;
  return total;
}

int count_linear(const Program& program, LinearRole role) {
  int count = 0;
  for (const Op& op : program.ops) count += op.kind == OpKind::Linear && op.role == role;
  return count;
}

}  // namespace neurokv::ir

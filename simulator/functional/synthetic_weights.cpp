#include "simulator/functional/synthetic_weights.hpp"

#include <cmath>
#include <random>

#include "compiler/ir/cnn_layer.hpp"

namespace neurokv::functional {
namespace {

FloatTensor normal(std::vector<int64_t> dims, double std, std::mt19937_64& rng) {
  FloatTensor t;
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  t.dims = std::move(dims);
  std::normal_distribution<float> draw(0.0f, static_cast<float>(std));
  t.values.resize(static_cast<std::size_t>(count));
  for (float& v : t.values) v = draw(rng);
  return t;
}

FloatTensor filled(int64_t count, float value) {
  return {{count}, std::vector<float>(static_cast<std::size_t>(count), value)};
}

bool residual_projection(ir::LinearRole role) {
  return role == ir::LinearRole::O || role == ir::LinearRole::MlpDown;
}

}  // namespace

ModelWeights synthetic_weights(const ir::Program& program, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const double residual_std = kSyntheticStd / std::sqrt(2.0 * std::max(1, program.model.layers));
  ModelWeights weights;
  for (const ir::Op& op : program.ops) {
    switch (op.kind) {
      case ir::OpKind::Embed:
      case ir::OpKind::PosEmbed:
        weights[op.name].weight = normal({op.in_features, op.out_features}, kSyntheticStd, rng);
        break;
      case ir::OpKind::LayerNorm:
      case ir::OpKind::RmsNorm:
        weights[op.name] = {filled(ir::affine_channels(op), 1.0f),
                            op.bias ? filled(ir::affine_channels(op), 0.0f) : FloatTensor{}};
        break;
      case ir::OpKind::Linear:
        if (op.tied_to >= 0) break;  // reads its embedding's table
        weights[op.name] = {normal({op.out_features, op.in_features},
                                   residual_projection(op.role) ? residual_std : kSyntheticStd, rng),
                            op.bias ? filled(op.out_features, 0.0f) : FloatTensor{}};
        break;
      case ir::OpKind::Add:
      case ir::OpKind::Gelu:
      case ir::OpKind::Rope:
      case ir::OpKind::Glu:
      case ir::OpKind::KvAppend:
      case ir::OpKind::KvRead:
      case ir::OpKind::AttnScore:
      case ir::OpKind::Softmax:
      case ir::OpKind::AttnValue:
        break;  // no weights
      case ir::OpKind::Conv2d:
      case ir::OpKind::Depthwise:
      case ir::OpKind::Pointwise:
      case ir::OpKind::Separable:
      case ir::OpKind::Dense:
        ir::refuse_cnn_layer(op, "synthetic weights");
    }
  }
  return weights;
}

}  // namespace neurokv::functional

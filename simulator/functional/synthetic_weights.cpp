#include "simulator/functional/synthetic_weights.hpp"

#include <cmath>
#include <random>

#include "simulator/functional/cnn_weights.hpp"

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

// He-normal (He et al., ICCV 2015): N(0, gain / fan_in) keeps the variance of the pre-activations from layer
// to layer, with gain 2 where a ReLU follows (it passes half of it) and 1 where none does (a separable
// layer's depthwise part, which feeds its pointwise part directly; a layer without activation). Biases 0: the
// zero-mean weights then make each pre-activation symmetric about 0, so a ReLU passes about half of them.
void add_cnn_weights(const ir::Op& op, ModelWeights& weights, std::mt19937_64& rng) {
  for (const CnnWeightEntry& e : cnn_weight_entries(op)) {
    const bool relu_follows = op.relu != ir::Relu::No && e.key == op.name;
    const double gain = relu_follows ? 2.0 : 1.0;
    weights[e.key] = {normal(e.dims, std::sqrt(gain / static_cast<double>(e.fan_in)), rng),
                      e.bias > 0 ? filled(e.bias, 0.0f) : FloatTensor{}};
  }
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
        add_cnn_weights(op, weights, rng);
        break;
    }
  }
  return weights;
}

}  // namespace neurokv::functional

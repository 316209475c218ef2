#pragma once
// Real weights of a model, when its source has them (an imported ONNX file): float tensors keyed by the Graph
// IR op that holds them. Linear weights are [out][in], embedding tables [rows][d_model], LayerNorm gains [d].
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace neurokv {

struct FloatTensor {
  std::vector<int64_t> dims;
  std::vector<float> values;  // row-major

  int64_t numel() const { return static_cast<int64_t>(values.size()); }
};

struct OpWeights {
  FloatTensor weight;  // LayerNorm: the gain
  FloatTensor bias;    // empty when the op has none
};

using ModelWeights = std::map<std::string, OpWeights>;

// Every number the weights hold (a tied LM head has no entry of its own, so it counts once).
int64_t parameter_count(const ModelWeights& weights);

}  // namespace neurokv

#include "compiler/config/model_weights.hpp"

namespace neurokv {

int64_t parameter_count(const ModelWeights& weights) {
  int64_t count = 0;
  for (const auto& [name, op] : weights) count += op.weight.numel() + op.bias.numel();
  return count;
}

}  // namespace neurokv

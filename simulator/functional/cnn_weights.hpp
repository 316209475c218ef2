#pragma once
// A CNN's weights as the executor reads them: the ModelWeights contract (docs/executor.md "CNN weights"),
// keyed by the layer's op name, BatchNorm folded, ONNX (NCHW) layouts: a convolution
// [filters][channels][k][k], a depthwise layer [channels][1][k][k], a pointwise one
// [filters][channels][1][1], a separable layer two entries (`<name>.depthwise` [channels][1][k][k], then
// `<name>` [filters][channels][1][1] with the bias), a dense layer [units][inputs] over its input flattened
// in C, H, W order. A bias is [out channels] or empty.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/config/model_weights.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::functional {

// One tensor a CNN op reads: its key in ModelWeights, its dims, the length of its bias (0: none expected),
// and the inputs each output sums over (its fan-in).
struct CnnWeightEntry {
  std::string key;
  std::vector<int64_t> dims;
  int64_t bias = 0;
  int64_t fan_in = 0;
};

// The entries of a CNN layer op, in the order they apply (a separable layer's depthwise part first).
std::vector<CnnWeightEntry> cnn_weight_entries(const ir::Op& op);

// Checks that `weights` holds every entry of every op of the CNN `program` with its dims, and a bias that is
// empty or one per output channel; anything else is an InputError naming `where`, the entry and what was
// expected.
void check_cnn_weights(const ir::Program& program, const ModelWeights& weights, const std::string& where);

}  // namespace neurokv::functional

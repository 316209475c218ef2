#include "simulator/functional/cnn_weights.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::functional {

std::vector<CnnWeightEntry> cnn_weight_entries(const ir::Op& op) {
  const int64_t k = op.kernel, channels = op.in_features, filters = op.out_features;
  const int64_t bias = op.bias ? filters : 0;
  switch (op.kind) {
    case ir::OpKind::Conv2d:
      return {{op.name, {filters, channels, k, k}, bias, channels * k * k}};
    case ir::OpKind::Depthwise:
      return {{op.name, {channels, 1, k, k}, bias, k * k}};
    case ir::OpKind::Pointwise:
      return {{op.name, {filters, channels, 1, 1}, bias, channels}};
    case ir::OpKind::Separable:
      return {{op.name + ".depthwise", {channels, 1, k, k}, 0, k * k},
              {op.name, {filters, channels, 1, 1}, bias, channels}};
    case ir::OpKind::Dense: {
      const int64_t inputs = op.in_height * op.in_width * channels;
      return {{op.name, {filters, inputs}, bias, inputs}};
    }
    default:
      throw RunError(
          fmt::format("op %{} {} is a {}, not a CNN layer", op.id, op.name, ir::to_string(op.kind)));
  }
}

void check_cnn_weights(const ir::Program& program, const ModelWeights& weights, const std::string& where) {
  for (const ir::Op& op : program.ops) {
    for (const CnnWeightEntry& e : cnn_weight_entries(op)) {
      const auto found = weights.find(e.key);
      if (found == weights.end()) {
        throw InputError(fmt::format("{}: no weights for '{}' (layer {}, {}), expected a tensor [{}]", where,
                                     e.key, op.name, ir::to_string(op.kind), fmt::join(e.dims, ", ")));
      }
      const OpWeights& w = found->second;
      int64_t count = 1;
      for (int64_t d : e.dims) count *= d;
      if (w.weight.dims != e.dims || w.weight.numel() != count) {
        throw InputError(fmt::format("{}: weights '{}' are [{}] ({} values), expected [{}]", where, e.key,
                                     fmt::join(w.weight.dims, ", "), w.weight.numel(),
                                     fmt::join(e.dims, ", ")));
      }
      // Every output channel of the op; a separable layer's depthwise part may carry one per channel too.
      const int64_t channels = e.dims.front();
      if (w.bias.numel() != 0 && w.bias.numel() != channels) {
        throw InputError(
            fmt::format("{}: bias of '{}' has {} values, expected {} (one per output channel) or none", where,
                        e.key, w.bias.numel(), channels));
      }
    }
  }
}

}  // namespace neurokv::functional

#include "compiler/weights/program_weights.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/ir/op_kind.hpp"
#include "compiler/support/error.hpp"
#include "compiler/weights/weights_layout.hpp"

namespace neurokv::weights {
namespace {

const OpWeights& weights_of(const ModelWeights& model, const std::string& name, const std::string& op) {
  const auto found = model.find(name);
  if (found == model.end()) {
    throw InputError(
        fmt::format("op {}: the model has no weights '{}', expected the weights of every op that "
                    "holds some",
                    op, name));
  }
  return found->second;
}

FloatTensor transposed(const FloatTensor& t) {
  const int64_t rows = t.dims.at(0), cols = t.dims.at(1);
  FloatTensor out{{cols, rows}, std::vector<float>(t.values.size())};
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      out.values[static_cast<std::size_t>(c * rows + r)] = t.values[static_cast<std::size_t>(r * cols + c)];
  }
  return out;
}

// The op's weight and bias in the stored orientation.
OpWeights stored_tensors(const ir::Program& program, const ir::Op& op, const ModelWeights& model) {
  switch (ir::op_kind_traits(op.kind).weights) {
    case ir::WeightShape::Matrix:
      if (op.tied_to >= 0) {
        return {weights_of(model, program.ops.at(static_cast<std::size_t>(op.tied_to)).name, op.name).weight,
                {}};
      }
      return weights_of(model, op.name, op.name);
    case ir::WeightShape::Table:
      return {transposed(weights_of(model, op.name, op.name).weight), {}};
    case ir::WeightShape::Filter:
      ir::refuse_cnn_layer(op, "the weights file");
    case ir::WeightShape::Affine:
    case ir::WeightShape::None: {  // stores_weights() is false for None: no tile holds weight bytes
      OpWeights norm = weights_of(model, op.name, op.name);
      norm.weight.dims = {norm.weight.numel(), 1};
      return norm;
    }
  }
  return {};  // unreachable: every weight shape returns above
}

}  // namespace

WeightsFile quantize_program_weights(const ir::Program& program, const ModelWeights& model) {
  WeightsFile file;
  for (const ir::Op& op : program.ops) {
    if (!stores_weights(op)) continue;
    const OpWeights tensors = stored_tensors(program, op, model);
    const StoredShape shape = stored_shape(op);
    const bool bias_ok = shape.has_bias ? tensors.bias.numel() == shape.out : tensors.bias.numel() == 0;
    if (tensors.weight.dims != std::vector<int64_t>{shape.out, shape.in} || !bias_ok) {
      throw InputError(
          fmt::format("op {}: the model's weights are [{}] with {} bias values, expected [{}, {}] and "
                      "{} bias values",
                      op.name, fmt::join(tensors.weight.dims, ", "), tensors.bias.numel(), shape.out,
                      shape.in, shape.has_bias ? shape.out : 0));
    }
    OpWeightsRecord record{op.name, quantize_per_channel(tensors.weight, tensors.bias, op.weight_bits), {}};
    for (const ir::Tile& tile : op.tiles) {
      WeightTile t;
      const StoredRange range = stored_range(op, tile);
      t.out_begin = range.begin;
      t.out_end = range.end;
      t.bytes = tile_bytes(record.tensor, tile.out_begin, tile.out_end);
      record.tiles.push_back(t);
    }
    file.ops.push_back(std::move(record));
  }
  return file;
}

}  // namespace neurokv::weights

#include "simulator/functional/op_tensors.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/ir/op_kind.hpp"
#include "compiler/support/error.hpp"
#include "simulator/functional/int_rows.hpp"

namespace neurokv::functional {
namespace {

const OpWeights& weights_named(const ModelWeights& weights, const std::string& name, const ir::Op& op) {
  const auto found = weights.find(name);
  if (found == weights.end()) {
    throw InputError(
        fmt::format("op {}: the model has no weights '{}', expected the weights of every op that "
                    "holds some",
                    op.name, name));
  }
  return found->second;
}

void check_dims(const ir::Op& op, const FloatTensor& t, std::vector<int64_t> expected) {
  if (t.dims != expected) {
    throw InputError(fmt::format("op {}: the model's weights are [{}], expected [{}]", op.name,
                                 fmt::join(t.dims, ", "), fmt::join(expected, ", ")));
  }
}

void check_bias(const ir::Op& op, const FloatTensor& bias) {
  const int64_t expected = op.bias ? op.out_features : 0;
  if (bias.numel() != expected) {
    throw InputError(
        fmt::format("op {}: the model has {} bias values, expected {}", op.name, bias.numel(), expected));
  }
}

// [out][in] row-major → [in][out].
std::vector<float> input_major(const FloatTensor& w) {
  const int64_t out = w.dims.at(0), in = w.dims.at(1);
  std::vector<float> t(w.values.size());
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t i = 0; i < in; ++i)
      t[static_cast<std::size_t>(i * out + o)] = w.values[static_cast<std::size_t>(o * in + i)];
  }
  return t;
}

OpTensor tensor_of(const ir::Program& program, const ir::Op& op, const ModelWeights& weights) {
  OpTensor t;
  t.out = op.out_features;
  switch (ir::op_kind_traits(op.kind).weights) {
    case ir::WeightShape::Table: {
      const FloatTensor& table = weights_named(weights, op.name, op).weight;
      check_dims(op, table, {op.in_features, op.out_features});
      t.in = op.in_features;
      t.by_input = table.values;
      return t;
    }
    case ir::WeightShape::Affine: {
      const OpWeights& norm = weights_named(weights, op.name, op);
      check_dims(op, norm.weight, {ir::affine_channels(op)});
      check_bias(op, norm.bias);
      t.in = 1;
      t.by_input = norm.weight.values;
      t.bias = norm.bias.values;
      return t;
    }
    case ir::WeightShape::Matrix: {
      const bool tied = op.tied_to >= 0;
      const std::string& name = tied ? program.ops.at(static_cast<std::size_t>(op.tied_to)).name : op.name;
      const OpWeights& linear = weights_named(weights, name, op);
      check_dims(op, linear.weight, {op.out_features, op.in_features});
      if (!tied) check_bias(op, linear.bias);
      t.in = op.in_features;
      t.by_input = input_major(linear.weight);
      if (!tied) t.bias = linear.bias.values;
      return t;
    }
    case ir::WeightShape::Filter:
      ir::refuse_cnn_layer(op, "the functional executor");
    case ir::WeightShape::None:  // no tensor
      return {};
  }
  return {};
}

const weights::QuantizedTensor& record_of(const weights::WeightsFile& file, const std::string& name,
                                          const ir::Op& op) {
  for (const weights::OpWeightsRecord& r : file.ops) {
    if (r.name == name) return r.tensor;
  }
  throw InputError(fmt::format(
      "op {}: the weights file has no entry '{}', expected one for every op with weights", op.name, name));
}

OpTensor int_tensor_of(const ir::Program& program, const ir::Op& op, const weights::WeightsFile& file) {
  OpTensor t;
  t.out = op.out_features;
  switch (ir::op_kind_traits(op.kind).weights) {
    case ir::WeightShape::Table: {
      t.in = op.in_features;
      t.by_input.resize(static_cast<std::size_t>(t.in * t.out));
      const auto tied = std::find_if(program.ops.begin(), program.ops.end(),
                                     [&](const ir::Op& o) { return o.tied_to == op.id; });
      if (tied != program.ops.end()) {  // the LM head's table, [vocab][d]: one scale per token row
        const weights::QuantizedTensor& q = record_of(file, tied->name, op);
        for (int64_t r = 0; r < t.in; ++r) {
          for (int64_t c = 0; c < t.out; ++c)
            t.by_input[static_cast<std::size_t>(r * t.out + c)] = q.weight(r, c);
        }
        return t;
      }
      const weights::QuantizedTensor& q = record_of(file, op.name, op);  // stored [d][rows]
      for (int64_t r = 0; r < t.in; ++r) {
        for (int64_t c = 0; c < t.out; ++c)
          t.by_input[static_cast<std::size_t>(r * t.out + c)] = q.weight(c, r);
      }
      return t;
    }
    case ir::WeightShape::Affine: {
      const weights::QuantizedTensor& q = record_of(file, op.name, op);  // the gain as [d][1]
      t.in = 1;
      for (int64_t c = 0; c < ir::affine_channels(op); ++c) {
        t.by_input.push_back(q.weight(c, 0));
        if (q.has_bias) t.bias.push_back(q.bias(c));
      }
      return t;
    }
    case ir::WeightShape::Matrix: {
      const weights::QuantizedTensor& q = record_of(file, op.name, op);
      t.in = op.in_features;
      const int64_t pair_rows = (t.in + 1) / 2;
      const int64_t blocks = (t.out + kOutputBlock - 1) / kOutputBlock;
      t.codes.assign(static_cast<std::size_t>(blocks * pair_rows * 2 * kOutputBlock), 0);
      for (int64_t o = 0; o < t.out; ++o) {
        const int64_t block = (o / kOutputBlock) * pair_rows;
        for (int64_t i = 0; i < t.in; ++i) {
          t.codes[static_cast<std::size_t>(((block + i / 2) * kOutputBlock + o % kOutputBlock) * 2 + i % 2)] =
              q.codes[static_cast<std::size_t>(o * t.in + i)];
        }
      }
      t.scales = q.scales;
      if (q.has_bias) {
        for (int64_t o = 0; o < t.out; ++o) t.bias.push_back(q.bias(o));
      }
      return t;
    }
    case ir::WeightShape::Filter:
      ir::refuse_cnn_layer(op, "the functional executor");
    case ir::WeightShape::None:  // no tensor
      return {};
  }
  return {};
}

}  // namespace

std::vector<OpTensor> int_op_tensors(const ir::Program& program, const weights::WeightsFile& file) {
  std::vector<OpTensor> tensors;
  tensors.reserve(program.ops.size());
  for (const ir::Op& op : program.ops) tensors.push_back(int_tensor_of(program, op, file));
  return tensors;
}

std::vector<OpTensor> float_op_tensors(const ir::Program& program, const ModelWeights& weights) {
  std::vector<OpTensor> tensors;
  tensors.reserve(program.ops.size());
  for (const ir::Op& op : program.ops) tensors.push_back(tensor_of(program, op, weights));
  return tensors;
}

}  // namespace neurokv::functional

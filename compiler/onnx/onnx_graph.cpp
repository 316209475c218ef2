#include "compiler/onnx/onnx_graph.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

// The inputs the ONNX spec requires of the ops the block matcher reads by position (opsets 13-18), so that a
// malformed node is refused here rather than read past its end.
int required_inputs(const std::string& op) {
  static const std::map<std::string, int> kRequired = {{"Add", 2},
                                                       {"Sub", 2},
                                                       {"Mul", 2},
                                                       {"Div", 2},
                                                       {"Pow", 2},
                                                       {"MatMul", 2},
                                                       {"Gemm", 2},
                                                       {"Gather", 2},
                                                       {"Reshape", 2},
                                                       {"Expand", 2},
                                                       {"Tile", 2},
                                                       {"Where", 3},
                                                       {"Slice", 3},
                                                       {"Split", 1},
                                                       {"Concat", 1},
                                                       {"Neg", 1},
                                                       {"Sqrt", 1},
                                                       {"Reciprocal", 1},
                                                       {"ReduceMean", 1},
                                                       {"Softmax", 1},
                                                       {"Transpose", 1},
                                                       {"Unsqueeze", 1},
                                                       {"Squeeze", 1},
                                                       {"Cast", 1},
                                                       {"Identity", 1},
                                                       {"Dropout", 1},
                                                       {"Gelu", 1},
                                                       {"Erf", 1},
                                                       {"Tanh", 1},
                                                       {"Sigmoid", 1},
                                                       {"LayerNormalization", 1}};
  const auto it = kRequired.find(op);
  return it == kRequired.end() ? 0 : it->second;
}

}  // namespace

OnnxGraph::OnnxGraph(const onnx::ModelProto& model, std::string file) : file_(std::move(file)) {
  const onnx::GraphProto& graph = model.graph();
  for (const onnx::TensorProto& tensor : graph.initializer()) initializers_[tensor.name()] = &tensor;
  for (const onnx::ValueInfoProto& input : graph.input()) inputs_[input.name()] = true;
  for (const Node& node : graph.node()) {
    position_[&node] = static_cast<int>(nodes_.size());
    nodes_.push_back(&node);
    for (const std::string& output : node.output()) producer_[output] = &node;
  }
  for (const Node* node : nodes_) {
    if (node->input_size() < required_inputs(node->op_type()) || node->output_size() < 1) {
      throw InputError(fmt::format(
          "{}: has {} inputs and {} outputs, expected at least {} inputs and one output", where(*node),
          node->input_size(), node->output_size(), required_inputs(node->op_type())));
    }
    for (const std::string& input : node->input()) {
      if (input.empty()) continue;  // an omitted optional input
      if (!producer_.count(input) && !initializers_.count(input) && !inputs_.count(input)) {
        throw InputError(
            fmt::format("{}: input '{}' is not defined, expected an initializer, a graph input or "
                        "another node's output (a missing initializer?)",
                        where(*node), input));
      }
      consumers_[input].push_back(node);
    }
  }
}

const Node* OnnxGraph::producer(const std::string& tensor) const {
  const auto it = producer_.find(tensor);
  return it == producer_.end() ? nullptr : it->second;
}

std::vector<const Node*> OnnxGraph::consumers(const std::string& tensor) const {
  const auto it = consumers_.find(tensor);
  return it == consumers_.end() ? std::vector<const Node*>{} : it->second;
}

const onnx::TensorProto* OnnxGraph::initializer(const std::string& name) const {
  const auto it = initializers_.find(name);
  return it == initializers_.end() ? nullptr : it->second;
}

bool OnnxGraph::is_graph_input(const std::string& name) const { return inputs_.count(name) > 0; }

bool OnnxGraph::is_constant(const std::string& tensor) const {
  if (initializer(tensor)) return true;
  const Node* node = producer(tensor);
  if (node == nullptr) return false;
  if (node->op_type() == "Identity") return is_constant(node->input(0));
  return node->op_type() == "Constant";
}

std::optional<TensorValues> OnnxGraph::constant(const std::string& tensor) const {
  if (const onnx::TensorProto* init = initializer(tensor)) return tensor_values(*init, file_);
  const Node* node = producer(tensor);
  if (node != nullptr && node->op_type() == "Identity") return constant(node->input(0));
  if (node == nullptr || node->op_type() != "Constant") return std::nullopt;
  for (const onnx::AttributeProto& attribute : node->attribute()) {
    if (attribute.name() == "value") return tensor_values(attribute.t(), where(*node));
    if (attribute.name() == "value_float") return TensorValues{{}, {attribute.f()}};
    if (attribute.name() == "value_int") return TensorValues{{}, {static_cast<float>(attribute.i())}};
  }
  return std::nullopt;
}

std::optional<double> OnnxGraph::scalar(const std::string& tensor) const {
  const std::optional<TensorValues> values = constant(tensor);
  if (!values || values->numel() != 1) return std::nullopt;
  return values->values.front();
}

std::string OnnxGraph::where(const Node& node) const {
  return fmt::format("{}: node '{}' ({})", file_, node.name(), node.op_type());
}

}  // namespace neurokv::onnx_import

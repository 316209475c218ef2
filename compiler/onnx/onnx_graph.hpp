#pragma once
// An index over an ONNX graph for pattern matching: who produces a tensor, who consumes it, which tensors are
// constants (initializers, Constant nodes), and where a node sits in the (topologically sorted) node list.
#include <onnx/onnx_pb.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/onnx/tensor_values.hpp"

namespace neurokv::onnx_import {

using Node = onnx::NodeProto;

class OnnxGraph {
 public:
  // Throws InputError naming the node for an input that nothing defines (a missing initializer).
  OnnxGraph(const onnx::ModelProto& model, std::string file);

  const std::vector<const Node*>& nodes() const { return nodes_; }
  int position(const Node& node) const { return position_.at(&node); }
  // The node writing `tensor`; nullptr for initializers and graph inputs.
  const Node* producer(const std::string& tensor) const;
  std::vector<const Node*> consumers(const std::string& tensor) const;
  const onnx::TensorProto* initializer(const std::string& name) const;
  bool is_graph_input(const std::string& name) const;
  // An initializer, a Constant node's output, or an Identity of one (torch.onnx.export aliases equal
  // initializers through Identity nodes).
  bool is_constant(const std::string& tensor) const;
  // The values of a constant tensor; nullopt for a computed one.
  std::optional<TensorValues> constant(const std::string& tensor) const;
  // A single constant number (a scalar or one-element tensor), e.g. the score scale.
  std::optional<double> scalar(const std::string& tensor) const;

  // "file: node 'name' (OpType)", the start of every message about a node.
  std::string where(const Node& node) const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<const Node*> nodes_;
  std::map<const Node*, int> position_;
  std::map<std::string, const Node*> producer_;
  std::map<std::string, std::vector<const Node*>> consumers_;
  std::map<std::string, const onnx::TensorProto*> initializers_;
  std::map<std::string, bool> inputs_;
};

}  // namespace neurokv::onnx_import

#include "compiler/onnx/node_attributes.hpp"

namespace neurokv::onnx_import {
namespace {

const onnx::AttributeProto* find(const Node& node, const std::string& name) {
  for (const onnx::AttributeProto& attribute : node.attribute()) {
    if (attribute.name() == name) return &attribute;
  }
  return nullptr;
}

}  // namespace

int64_t attribute_int(const Node& node, const std::string& name, int64_t fallback) {
  const onnx::AttributeProto* a = find(node, name);
  return a ? a->i() : fallback;
}

std::optional<std::vector<int64_t>> attribute_ints(const Node& node, const std::string& name) {
  const onnx::AttributeProto* a = find(node, name);
  if (a == nullptr) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<double> attribute_float(const Node& node, const std::string& name) {
  const onnx::AttributeProto* a = find(node, name);
  if (a == nullptr) return std::nullopt;
  return a->f();
}

std::string attribute_string(const Node& node, const std::string& name) {
  const onnx::AttributeProto* a = find(node, name);
  return a ? a->s() : std::string{};
}

}  // namespace neurokv::onnx_import

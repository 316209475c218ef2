#pragma once
// An ONNX node's attributes by name, with the value the spec gives when the exporter left one out.
#include <optional>
#include <string>
#include <vector>

#include "compiler/onnx/onnx_graph.hpp"

namespace neurokv::onnx_import {

int64_t attribute_int(const Node& node, const std::string& name, int64_t fallback);
std::optional<std::vector<int64_t>> attribute_ints(const Node& node, const std::string& name);
std::optional<double> attribute_float(const Node& node, const std::string& name);
std::string attribute_string(const Node& node, const std::string& name);

}  // namespace neurokv::onnx_import

#include "compiler/onnx/onnx_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "compiler/error.hpp"

namespace neurokv::onnx_import {
namespace {

std::map<std::string, std::string> external_fields(const onnx::TensorProto& tensor) {
  std::map<std::string, std::string> fields;
  for (const onnx::StringStringEntryProto& entry : tensor.external_data()) fields[entry.key()] = entry.value();
  return fields;
}

// Moves one tensor's bytes from its external-data file into raw_data.
void read_external(onnx::TensorProto& tensor, const std::filesystem::path& dir, const std::string& model_path) {
  const std::map<std::string, std::string> fields = external_fields(tensor);
  const auto location = fields.find("location");
  if (location == fields.end()) {
    throw InputError(fmt::format("{}: tensor '{}': external data without a location, expected the data file name",
                                 model_path, tensor.name()));
  }
  const std::filesystem::path file = dir / location->second;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw InputError(fmt::format("{}: tensor '{}': cannot open its external data file {}, expected it beside the "
                                 "model", model_path, tensor.name(), file.string()));
  }
  const auto offset = fields.count("offset") ? std::stoll(fields.at("offset")) : 0;
  std::string bytes;
  if (fields.count("length")) {
    bytes.resize(static_cast<std::size_t>(std::stoll(fields.at("length"))));
    in.seekg(offset);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (in.gcount() != static_cast<std::streamsize>(bytes.size())) {
      throw InputError(fmt::format("{}: tensor '{}': {} ends before offset {} + length {}", model_path,
                                   tensor.name(), file.string(), offset, bytes.size()));
    }
  } else {
    in.seekg(offset);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  tensor.set_raw_data(std::move(bytes));
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
}

void resolve_external(onnx::GraphProto& graph, const std::filesystem::path& dir, const std::string& path) {
  for (onnx::TensorProto& tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL) read_external(tensor, dir, path);
  }
  for (onnx::NodeProto& node : *graph.mutable_node()) {
    for (onnx::AttributeProto& attribute : *node.mutable_attribute()) {
      if (attribute.has_t() && attribute.t().data_location() == onnx::TensorProto::EXTERNAL) {
        read_external(*attribute.mutable_t(), dir, path);
      }
    }
  }
}

}  // namespace

onnx::ModelProto load_onnx_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the file, expected an ONNX model", path));
  onnx::ModelProto model;
  // A truncated or foreign file either fails to parse or parses into a message without a graph.
  if (!model.ParseFromIstream(&in) || !model.has_graph() || model.graph().node_size() == 0 ||
      model.opset_import_size() == 0) {
    throw InputError(fmt::format("{}: not a readable ONNX model (truncated, or another format), expected an "
                                 "ONNX ModelProto as torch.onnx.export writes it", path));
  }
  resolve_external(*model.mutable_graph(), std::filesystem::path(path).parent_path(), path);
  return model;
}

}  // namespace neurokv::onnx_import

#include "compiler/onnx/onnx_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>

#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

std::map<std::string, std::string> external_fields(const onnx::TensorProto& tensor) {
  std::map<std::string, std::string> fields;
  for (const onnx::StringStringEntryProto& entry : tensor.external_data())
    fields[entry.key()] = entry.value();
  return fields;
}

// An external-data offset or length: decimal digits for a byte count.
std::uintmax_t byte_count(const std::string& text, const char* key, const onnx::TensorProto& tensor,
                          const std::string& model_path) {
  std::uintmax_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw InputError(
        fmt::format("{}: tensor '{}': external data {} '{}' is not a byte count, expected decimal "
                    "digits",
                    model_path, tensor.name(), key, text));
  }
  return value;
}

// Moves one tensor's bytes from its external-data file into raw_data.
void read_external(onnx::TensorProto& tensor, const std::filesystem::path& dir,
                   const std::string& model_path) {
  const std::map<std::string, std::string> fields = external_fields(tensor);
  const auto location = fields.find("location");
  if (location == fields.end()) {
    throw InputError(
        fmt::format("{}: tensor '{}': external data without a location, expected the data file name",
                    model_path, tensor.name()));
  }
  const std::filesystem::path file = dir / location->second;
  std::error_code error;
  const std::uintmax_t file_bytes = std::filesystem::file_size(file, error);
  std::ifstream in(file, std::ios::binary);
  if (error || !std::filesystem::is_regular_file(file) || !in) {
    throw InputError(
        fmt::format("{}: tensor '{}': cannot open its external data file {}, expected it beside the "
                    "model",
                    model_path, tensor.name(), file.string()));
  }
  const std::uintmax_t offset =
      fields.count("offset") ? byte_count(fields.at("offset"), "offset", tensor, model_path) : 0;
  const std::uintmax_t length = fields.count("length")
                                    ? byte_count(fields.at("length"), "length", tensor, model_path)
                                    : file_bytes - std::min(offset, file_bytes);
  if (offset > file_bytes || length > file_bytes - offset) {
    throw InputError(fmt::format("{}: tensor '{}': {} ({} bytes) ends before offset {} + length {}",
                                 model_path, tensor.name(), file.string(), file_bytes, offset, length));
  }
  std::string bytes(static_cast<std::size_t>(length), '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
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

onnx::ModelProto parse_onnx_model(const std::string& bytes, const std::string& path) {
  onnx::ModelProto model;
  // A truncated or foreign file either fails to parse or parses into a message without a graph.
  if (!model.ParseFromString(bytes) || !model.has_graph() || model.graph().node_size() == 0 ||
      model.opset_import_size() == 0) {
    throw InputError(
        fmt::format("{}: not a readable ONNX model (truncated, or another format), expected an "
                    "ONNX ModelProto as torch.onnx.export writes it",
                    path));
  }
  resolve_external(*model.mutable_graph(), std::filesystem::path(path).parent_path(), path);
  return model;
}

}  // namespace neurokv::onnx_import

#include "compiler/onnx/onnx_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/wire_format_lite.h>

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

std::optional<std::vector<std::string>> graph_op_types(const std::string& path) {
  using google::protobuf::internal::WireFormatLite;
  constexpr int kModelGraph = 7, kGraphNode = 1;  // onnx.proto's field numbers
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  const int fd = error ? -1 : ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return std::nullopt;
  google::protobuf::io::FileInputStream file(fd);
  file.SetCloseOnDelete(true);
  google::protobuf::io::CodedInputStream in(&file);
  // Reads the fields of a message up to its end (a limit, or the file's), descending into `field` with
  // `read` and skipping the others; false for bytes that are not such a message.
  const auto fields = [&in](int field, const auto& read) {
    for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
      if (WireFormatLite::GetTagFieldNumber(tag) == field &&
          WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
        uint32_t length = 0;
        if (!in.ReadVarint32(&length)) return false;
        const auto limit = in.PushLimit(static_cast<int>(length));
        if (!read() || !in.ConsumedEntireMessage()) return false;
        in.PopLimit(limit);
      } else if (!WireFormatLite::SkipField(&in, tag)) {
        return false;
      }
    }
    return in.ConsumedEntireMessage();
  };
  std::vector<std::string> ops;
  const bool read = fields(kModelGraph, [&] {
    return fields(kGraphNode, [&] {
      onnx::NodeProto node;
      if (!node.MergeFromCodedStream(&in)) return false;
      ops.push_back(node.op_type());
      return true;
    });
  });
  // A skip seeks, and a seek past the end succeeds: a truncated file shows as a position past its size.
  if (!read || static_cast<std::uintmax_t>(in.CurrentPosition()) != size) return std::nullopt;
  return ops;
}

}  // namespace neurokv::onnx_import

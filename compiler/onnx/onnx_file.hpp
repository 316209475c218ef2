#pragma once
// Reading an ONNX file: the ModelProto, with every tensor stored in external-data files (torch.onnx.export
// writes them for models over 2 GB, onnx.save_model on request) read into the tensor itself, so nothing past
// the loader touches the file system.
#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <vector>

namespace neurokv::onnx_import {

// Throws InputError naming the file for a file that is missing, not an ONNX model (truncated, another
// format), or whose external data cannot be read. `bytes` is the model file's content; external data is
// looked up beside `path`.
onnx::ModelProto parse_onnx_model(const std::string& bytes, const std::string& path);

// The op types of the graph's nodes, in file order, read without the initializers: their bytes are skipped
// unread, so a look at a model of gigabytes costs little. Nothing for a file that cannot be opened or is not
// a well-formed ModelProto to its end (whoever loads it next reports why).
std::optional<std::vector<std::string>> graph_op_types(const std::string& path);

}  // namespace neurokv::onnx_import

#pragma once
// The numbers an ONNX tensor holds (initializers, Constant nodes), whichever field the exporter stored them
// in.
#include <onnx/onnx_pb.h>

#include <string>

#include "compiler/config/model_weights.hpp"

namespace neurokv::onnx_import {

using TensorValues = FloatTensor;

// Reads float, double and integer tensors as floats. Throws InputError naming `where` and the tensor for
// another element type or a data size that does not match the dims.
TensorValues tensor_values(const onnx::TensorProto& tensor, const std::string& where);

}  // namespace neurokv::onnx_import

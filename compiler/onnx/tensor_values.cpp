#include "compiler/onnx/tensor_values.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>

#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

// raw_data is little-endian, as the ONNX spec fixes it (and as this x86/ARM host stores numbers).
template <typename Stored>
std::vector<float> from_raw(const std::string& raw) {
  std::vector<float> out(raw.size() / sizeof(Stored));
  for (std::size_t i = 0; i < out.size(); ++i) {
    Stored value;
    std::memcpy(&value, raw.data() + i * sizeof(Stored), sizeof(Stored));
    out[i] = static_cast<float>(value);
  }
  return out;
}

template <typename Field>
std::vector<float> from_field(const Field& field) {
  return std::vector<float>(field.begin(), field.end());
}

}  // namespace

TensorValues tensor_values(const onnx::TensorProto& tensor, const std::string& where) {
  TensorValues t;
  t.dims.assign(tensor.dims().begin(), tensor.dims().end());
  const bool raw = tensor.has_raw_data();
  switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      t.values = raw ? from_raw<float>(tensor.raw_data()) : from_field(tensor.float_data());
      break;
    case onnx::TensorProto::DOUBLE:
      t.values = raw ? from_raw<double>(tensor.raw_data()) : from_field(tensor.double_data());
      break;
    case onnx::TensorProto::INT64:
      t.values = raw ? from_raw<int64_t>(tensor.raw_data()) : from_field(tensor.int64_data());
      break;
    case onnx::TensorProto::INT32:
      t.values = raw ? from_raw<int32_t>(tensor.raw_data()) : from_field(tensor.int32_data());
      break;
    default:
      throw InputError(
          fmt::format("{}: tensor '{}' has element type {}, expected float, double, int32 or int64 "
                      "(export the model in float32)",
                      where, tensor.name(), tensor.data_type()));
  }
  int64_t expected = 1;
  for (std::size_t i = 0; i < t.dims.size(); ++i) {
    if (t.dims[i] < 0) {
      throw InputError(fmt::format("{}: tensor '{}' has dim {} = {}, expected a size >= 0", where,
                                   tensor.name(), i, t.dims[i]));
    }
    if (__builtin_mul_overflow(expected, t.dims[i], &expected)) {
      throw InputError(
          fmt::format("{}: tensor '{}' has dims [{}], more values than 64 bits can count, expected "
                      "dims for the {} values it holds",
                      where, tensor.name(), fmt::join(t.dims, ", "), t.numel()));
    }
  }
  if (t.numel() != expected) {
    throw InputError(fmt::format("{}: tensor '{}' holds {} values, expected {} for its dims", where,
                                 tensor.name(), t.numel(), expected));
  }
  return t;
}

}  // namespace neurokv::onnx_import

// libFuzzer target: the ONNX frontends, the transformer one (protobuf parse, block matching, variant
// detection, weights) and the CNN one (the layer chain, BatchNorm folding), must accept or throw InputError,
// never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/onnx/cnn_import.hpp"
#include "compiler/onnx/onnx_import.hpp"
#include "compiler/support/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    neurokv::import_onnx_model(bytes, "/nonexistent/fuzz.onnx");
  } catch (const neurokv::InputError&) {
  }
  try {
    neurokv::import_onnx_cnn_model(bytes, "/nonexistent/fuzz.onnx");
  } catch (const neurokv::InputError&) {
  }
  return 0;
}

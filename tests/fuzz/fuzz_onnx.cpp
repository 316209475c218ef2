// libFuzzer target: the ONNX frontend (protobuf parse, block matching, variant detection, weights) must
// accept or throw InputError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/onnx/onnx_import.hpp"
#include "compiler/support/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    neurokv::import_onnx_model(std::string(reinterpret_cast<const char*>(data), size),
                               "/nonexistent/fuzz.onnx");
  } catch (const neurokv::InputError&) {
  }
  return 0;
}

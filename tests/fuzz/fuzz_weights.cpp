// libFuzzer target: the weights-file (.nkw) reader must accept or throw InputError, never crash, hang or
// allocate what the file's size cannot back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/support/error.hpp"
#include "compiler/weights/weights_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    neurokv::weights::decode_weights_file(std::string(reinterpret_cast<const char*>(data), size), "fuzz.nkw");
  } catch (const neurokv::InputError&) {
  }
  return 0;
}

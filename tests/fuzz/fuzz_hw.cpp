// libFuzzer target: the chip YAML loader must accept or throw InputError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/config/hw_config.hpp"
#include "compiler/support/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    neurokv::parse_hw(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const neurokv::InputError&) {
  }
  return 0;
}

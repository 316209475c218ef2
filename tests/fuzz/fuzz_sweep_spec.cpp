// libFuzzer target: the sweep spec parser must accept or throw InputError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/support/error.hpp"
#include "sweep/spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    neurokv::sweep::parse_spec(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const neurokv::InputError&) {
  }
  return 0;
}

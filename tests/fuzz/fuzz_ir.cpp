// libFuzzer target: the .nkir parser, then the verifier on what parses, must never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/ir/parser.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    const neurokv::ir::Program program =
        neurokv::ir::parse_program(std::string(reinterpret_cast<const char*>(data), size), "fuzz.nkir");
    neurokv::ir::verify_program(program);
  } catch (const neurokv::InputError&) {
  }
  return 0;
}

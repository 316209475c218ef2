// libFuzzer target: the executor's input paths must accept or throw InputError, never crash or hang. The
// bytes are split in two: the first half is read as a token-id list ("1,2,3", parse_token_ids), the second as
// raw token ids (one per byte; the fixture's vocabulary is 128, so half of them are out of range). Both run
// through check_token_ids and, when accepted, the float and integer executors of a small ONNX fixture.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/support/error.hpp"
#include "compiler/weights/program_weights.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/token_ids.hpp"

namespace {

struct Fixture {
  neurokv::ModelSource source;
  neurokv::ir::Program program;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    const std::string dir = NEUROKV_SOURCE_DIR;
    neurokv::ModelSource source = neurokv::load_model_source(dir + "/tests/fixtures/onnx/q-mqa.onnx", "");
    const neurokv::HwConfig hw = neurokv::load_hw("akida2-like", dir + "/hwconfigs");
    neurokv::CompileOptions options;
    options.context = 32;
    neurokv::ir::Program program = neurokv::compile(source, source.detected_variant(), hw, options).program;
    return Fixture{std::move(source), std::move(program)};
  }();
  return f;
}

void execute(const std::vector<int>& ids) {
  using namespace neurokv::functional;
  const Fixture& f = fixture();
  check_token_ids(ids, f.program, "fuzz");
  const NumericsFacts facts = NumericsFacts::of(f.source.spec);
  const Executor reference(f.program, float_op_tensors(f.program, *f.source.weights), facts);
  const neurokv::weights::WeightsFile file =
      neurokv::weights::quantize_program_weights(f.program, *f.source.weights);
  const Executor integer(f.program, int_op_tensors(f.program, file), facts, calibrate(reference, ids));
  integer.run(ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size / 2);
  try {
    execute(neurokv::functional::parse_token_ids(text, "fuzz"));
  } catch (const neurokv::InputError&) {
  }
  try {
    execute(std::vector<int>(data + size / 2, data + size));
  } catch (const neurokv::InputError&) {
  }
  return 0;
}

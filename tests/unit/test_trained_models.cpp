// The trained byte-level models of every variant (scripts/train_byte_models.py, models/trained/): integer
// execution keeps float's quality on held-out text the models never saw — top-1 agreement ≥ 95 % and
// perplexity within 5 % (docs/quality.md), with the activation scales stored in the weights file as
// `neurokv compile --calibration models/trained/calibration.txt` stores them.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/weights/program_weights.hpp"
#include "compiler/weights/weights_reader.hpp"
#include "compiler/weights/weights_writer.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/quality.hpp"
#include "simulator/functional/stored_scales.hpp"
#include "simulator/functional/token_ids.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;
using namespace neurokv::functional;

namespace {

const std::string kTrained = std::string(NEUROKV_SOURCE_DIR) + "/models/trained/";

}  // namespace

TEST_CASE("int execution of every trained model keeps float's top-1 and perplexity on held-out text",
          "[executor][slow]") {
  const std::vector<std::vector<int>> heldout = windows(text_token_ids(kTrained + "heldout.txt"), 128);
  const std::vector<std::vector<int>> calibration =
      windows(text_token_ids(kTrained + "calibration.txt"), 128);
  REQUIRE(heldout.size() == 128);
  for (const char* name : {"qkv", "q-k=v", "mqa", "q-mqa"}) {
    INFO(name);
    const ModelSource source = load_model_source(kTrained + fmt::format("byte-{}.onnx", name), "");
    CompileOptions options;
    options.context = 128;
    const ir::Program program =
        compile(source, source.detected_variant(), test::chip("akida2-like"), options).program;
    const NumericsFacts facts = NumericsFacts::of(source.spec);
    const Executor reference(program, float_op_tensors(program, *source.weights), facts);
    weights::WeightsFile written = weights::quantize_program_weights(program, *source.weights);
    written.activations = to_stored(program, calibrate(reference, calibration), "calibration.txt");
    // Through the file's bytes: what a later `exec --weights` reads.
    const weights::WeightsFile file =
        weights::decode_weights_file(weights::encode_weights_file(written), name);
    REQUIRE(file.activations);
    const Executor executor(program, int_op_tensors(program, file), facts,
                            from_stored(program, *file.activations, name));
    std::vector<Logits> int_logits, float_logits;
    for (const std::vector<int>& window : heldout) {
      int_logits.push_back(executor.run(window).logits);
      float_logits.push_back(reference.run(window).logits);
    }
    const QualityVsFloat q = quality_vs_float(int_logits, float_logits, heldout);
    CHECK(q.top1_agreement >= 0.95);
    REQUIRE(q.perplexity_vs_float);
    CHECK(*q.perplexity_vs_float == Approx(1.0).margin(0.05));
    CHECK(*q.float_quality.perplexity < 13.0);  // trained: a uniform guess over bytes is 256
  }
}

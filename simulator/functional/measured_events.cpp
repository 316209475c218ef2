#include "simulator/functional/measured_events.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"
#include "compiler/weights/program_weights.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/token_ids.hpp"

namespace neurokv::functional {

MeasuredEvents measure_events(const ModelSource& model, const LayerVariants& variant, const HwConfig& hw,
                              const CompileOptions& options, const std::vector<int>& ids,
                              const std::string& where) {
  if (!model.weights) {
    throw InputError(
        fmt::format("--events measured: model {} has no weights (a YAML model), expected an ONNX "
                    "model",
                    model.spec.name));
  }
  const ir::Program program = compile(model, variant, hw, options).program;
  check_token_ids(ids, program, where);
  const NumericsFacts facts = NumericsFacts::of(model.spec);
  const Executor reference(program, float_op_tensors(program, *model.weights), facts);
  const weights::WeightsFile file = weights::quantize_program_weights(program, *model.weights);
  const Execution float_run = reference.run(ids);
  const Executor executor(program, int_op_tensors(program, file), facts, ActivationScales{float_run.max_abs});
  const Execution int_run = executor.run(ids);
  MeasuredEvents measured;
  measured.sites = measured_sites(program, int_run);
  measured.quality = quality_vs_float(int_run.logits, float_run.logits, ids);
  measured.density = measured_density(measured.sites, model.spec.density);
  measured.tokens = static_cast<int>(ids.size());
  return measured;
}

}  // namespace neurokv::functional

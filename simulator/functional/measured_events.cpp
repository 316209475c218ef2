#include "simulator/functional/measured_events.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/support/error.hpp"
#include "compiler/weights/program_weights.hpp"
#include "compiler/weights/weights_check.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/stored_scales.hpp"
#include "simulator/functional/token_ids.hpp"

namespace neurokv::functional {

MeasuredEvents measure_events(const ModelSource& model, const LayerVariants& variant, const HwConfig& hw,
                              const CompileOptions& options, const std::vector<int>& ids,
                              const std::string& where, const std::optional<StoredWeights>& stored,
                              const Workers& workers) {
  if (!model.weights) {
    throw InputError(
        fmt::format("--events measured: model {} has no weights (a YAML model), expected an ONNX "
                    "model",
                    model.spec.name));
  }
  const ir::Program program = compile(model, variant, hw, options).program;
  if (stored) weights::check_weights(stored->file, program, stored->path);
  check_token_ids(ids, program, where);
  const NumericsFacts facts = NumericsFacts::of(model.spec);
  const Executor reference(program, float_op_tensors(program, *model.weights), facts, workers);
  const Execution float_run = reference.run(ids);
  const bool stored_scales = stored && stored->file.activations;
  const Executor executor(
      program,
      int_op_tensors(program,
                     stored ? stored->file : weights::quantize_program_weights(program, *model.weights)),
      facts,
      stored_scales ? from_stored(program, *stored->file.activations, stored->path)
                    : ActivationScales{float_run.max_abs},
      workers);
  const Execution int_run = executor.run(ids);
  MeasuredEvents measured;
  measured.sites = measured_site_counts(program, int_run);
  measured.quality = quality_vs_float(int_run.logits, float_run.logits, ids);
  measured.tokens = static_cast<int>(ids.size());
  measured.op_counts = op_counts(program, int_run);
  measured.last_token_only.assign(program.ops.size(), false);
  for (const ir::Step& step : program.prefill)
    measured.last_token_only[static_cast<std::size_t>(step.op)] = step.last_token_only;
  for (const ir::Op& op : program.ops) measured.assumed.push_back(op.input_density);
  return measured;
}

PhasePositions MeasuredEvents::positions(int64_t prompt) const {
  const auto n = static_cast<int64_t>(op_counts.size());
  return {0, std::min(prompt, n), std::min(prompt, n - 1), n};
}

MeasuredDensities MeasuredEvents::densities(int64_t prompt) const {
  const PhasePositions at = positions(prompt);
  const auto density = [&](std::size_t op, int64_t begin, int64_t end) {
    SiteCount sum;
    for (int64_t pos = begin; pos < end; ++pos) sum += op_counts[static_cast<std::size_t>(pos)][op];
    return sum.offered > 0 ? sum.density() : assumed[op];
  };
  MeasuredDensities d;
  for (std::size_t op = 0; op < assumed.size(); ++op) {
    d.decode.push_back(density(op, at.decode_begin, at.decode_end));
    if (at.prefill_end == 0) {
      d.prefill.push_back(d.decode.back());
    } else {
      d.prefill.push_back(
          density(op, last_token_only[op] ? at.prefill_end - 1 : at.prefill_begin, at.prefill_end));
    }
  }
  return d;
}

}  // namespace neurokv::functional

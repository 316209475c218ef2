#include "study/exec.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "compiler/support/error.hpp"
#include "compiler/weights/program_weights.hpp"
#include "compiler/weights/weights_check.hpp"
#include "compiler/weights/weights_reader.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/measured_density.hpp"
#include "simulator/functional/stored_scales.hpp"
#include "simulator/functional/token_ids.hpp"
#include "study/calibration.hpp"
#include "study/token_input.hpp"

namespace neurokv::study {
namespace {

// Integer numerics' activation scales: those the --weights file (`stored`) holds, else calibrated on
// --calibration, else on the input itself (`input_scales`); `calibrated_on` says which.
functional::ActivationScales int_scales(const ExecOptions& o, const ir::Program& program,
                                        const std::optional<weights::WeightsFile>& stored,
                                        const functional::Executor& reference,
                                        const functional::ActivationScales& input_scales,
                                        const DiagnosticSink& now, std::string& calibrated_on) {
  if (stored) {
    const weights::WeightsFile& file = *stored;
    if (file.activations) {
      if (!o.calibration.empty()) {
        throw InputError(
            fmt::format("--calibration: {} stores activation scales (calibrated on {}), so --calibration "
                        "would be ignored; "
                        "expected one of them (compile again to store other scales)",
                        o.weights_file, file.activations->source));
      }
      calibrated_on = fmt::format("{}, stored in {}", file.activations->source, o.weights_file);
      return functional::from_stored(program, *file.activations, o.weights_file);
    }
    now(unstored_scales_note(file, o.weights_file,
                             o.calibration.empty() ? "the input itself" : o.calibration));
  }
  if (o.calibration.empty()) {
    calibrated_on = "the input itself";
    return input_scales;
  }
  const CalibrationInput input = calibration_input(o.calibration, program);
  calibrated_on = input.where;
  return functional::calibrate(reference, input.sequences);
}

}  // namespace

Execution execute(const ExecOptions& o, const DiagnosticSink& now) {
  if (o.ids.empty() && o.text.empty()) throw InputError("exec: expected --ids or --text");
  if (!o.calibration.empty() && o.numerics == "float") {
    throw InputError(
        "--calibration: --numerics float has no integer scales to calibrate, so it would be ignored; "
        "expected --numerics int or no --calibration");
  }
  if (!o.weights_file.empty() && o.numerics == "float") {
    throw InputError(
        "--weights: --numerics float runs the model's float weights, so the .nkw would be ignored; expected "
        "--numerics int or no --weights");
  }
  // The input first: a malformed or empty one fails before the model is read.
  std::string where;
  const std::vector<int> ids = token_input(o.ids, o.text, where);
  functional::check_not_empty(ids, where);
  // --weights: the compiled program's .nkw, read before the model too, and checked against the program once
  // it is compiled.
  std::optional<weights::WeightsFile> stored;
  if (!o.weights_file.empty()) stored = weights::load_weights_file(o.weights_file);
  Study study = load_study(o.study, now);
  if (study.variants.size() != 1) {
    throw InputError(fmt::format("--variant: exec takes one variant, got {}", study.variants.size()));
  }
  give_synthetic_weights(study, o.study);
  if (!study.model.weights) {
    throw InputError(
        fmt::format("--model {}: the model has no weights (a YAML model); exec needs an ONNX model or "
                    "--synthetic-weights SEED",
                    o.study.model));
  }
  const CompileResult compiled = compile(study.model, study.variants.front(), study.hw, study.compile);
  const ir::Program& program = compiled.program;
  if (stored) weights::check_weights(*stored, program, o.weights_file);
  const std::vector<std::vector<int>> sequences =
      o.windows ? functional::windows(ids, functional::sequence_limit(program))
                : std::vector<std::vector<int>>{ids};
  for (const std::vector<int>& sequence : sequences) functional::check_token_ids(sequence, program, where);
  const functional::NumericsFacts facts = functional::NumericsFacts::of(study.model.spec);
  const functional::Workers workers = execution_workers(o.study);
  const functional::Executor reference(program, functional::float_op_tensors(program, *study.model.weights),
                                       facts, workers);
  // Float first, once per sequence: its logits, its densities when float is what was asked, and the scales
  // that calibrate the integer run on the input itself.
  std::vector<functional::Logits> logits, float_logits;
  functional::SiteCounts counted;
  functional::ActivationScales input_scales{std::vector<float>(program.ops.size(), 0.0f)};
  for (const std::vector<int>& sequence : sequences) {
    functional::Execution run = reference.run(sequence);
    functional::widen(input_scales, run);
    if (o.numerics == "float") functional::add_sites(counted, functional::measured_site_counts(program, run));
    float_logits.push_back(std::move(run.logits));
  }
  std::string calibrated_on;
  std::optional<functional::Executor> int_executor;
  if (o.numerics == "int") {
    const functional::ActivationScales scales =
        int_scales(o, program, stored, reference, input_scales, now, calibrated_on);
    const weights::WeightsFile file =
        stored ? std::move(*stored) : weights::quantize_program_weights(program, *study.model.weights);
    int_executor.emplace(program, functional::int_op_tensors(program, file), facts, scales, workers);
    for (const std::vector<int>& sequence : sequences) {
      functional::Execution run = int_executor->run(sequence);
      functional::add_sites(counted, functional::measured_site_counts(program, run));
      logits.push_back(std::move(run.logits));
    }
  } else {
    logits = float_logits;
  }
  const functional::QualityVsFloat compared = functional::quality_vs_float(logits, float_logits, sequences);
  const functional::Quality& quality = compared.quality;
  const functional::Quality& float_quality = compared.float_quality;
  const std::vector<float>& last = logits.back().back();
  const auto top = functional::top_tokens(last, 5);

  nlohmann::json densities = nlohmann::json::object();
  for (const auto& [site, count] : counted.all)
    densities[site] = {{"density", count.density()}, {"events", count.events}, {"offered", count.offered}};
  std::vector<LayerDensities> layer_densities = functional::layer_densities(counted);
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerDensities& layer : layer_densities) {
    nlohmann::json by_site = nlohmann::json::object();
    for (const auto& [site, density] : layer.densities) by_site[site] = density;
    layers.push_back({{"layer", layer.layer}, {"densities", by_site}});
  }
  nlohmann::json next = nlohmann::json::array();
  for (const auto& [id, p] : top) next.push_back({{"id", id}, {"probability", p}});
  Execution execution;
  execution.report = {
      {"schema", "neurokv.exec/1"},
      {"model", study.model.spec.name},
      {"variant", program.variant},
      {"numerics", o.numerics},
      {"weights", study.weights_origin},
      {"calibrated_on", int_executor ? nlohmann::json(calibrated_on) : nlohmann::json()},
      {"tokens", ids.size()},
      {"windows", sequences.size()},
      {"targets", quality.targets},
      {"loss", quality.loss ? nlohmann::json(*quality.loss) : nlohmann::json()},
      {"perplexity", quality.perplexity ? nlohmann::json(*quality.perplexity) : nlohmann::json()},
      {"float_loss", float_quality.loss ? nlohmann::json(*float_quality.loss) : nlohmann::json()},
      {"perplexity_vs_float",
       compared.perplexity_vs_float ? nlohmann::json(*compared.perplexity_vs_float) : nlohmann::json()},
      // Every position's most likely next token, against float's (1 for float itself).
      {"top1_agreement", compared.top1_agreement},
      {"top5", next},
      {"densities", densities},
      {"layer_densities", layers},
      {"logits", last}};
  execution.logits = std::move(logits);
  execution.chip = study.hw.name;
  execution.input = where;
  execution.weight_bits = program.precision.weight_bits;
  execution.act_bits = program.precision.act_bits;
  execution.kv_bits = program.precision.kv_bits;
  execution.vocab = program.model.vocab;
  execution.float_perplexity = float_quality.perplexity.value_or(0);
  execution.layer_densities = std::move(layer_densities);
  return execution;
}

}  // namespace neurokv::study

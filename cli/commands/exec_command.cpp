#include "cli/commands/exec_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/output.hpp"
#include "cli/study_options.hpp"
#include "cli/token_input.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "compiler/weights/program_weights.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/measured_density.hpp"
#include "simulator/functional/quality.hpp"
#include "simulator/functional/token_ids.hpp"
#include "simulator/report_render.hpp"

namespace neurokv::cli {
namespace {

struct ExecOptions {
  StudyOptions study;
  std::string ids;
  std::string text;
  std::string numerics = "int";
  std::string calibration;
  bool windows = false;  // --windows: a long input runs as consecutive windows of the context
};

// --calibration: a text file (its bytes) for byte-level models, else an id list (without it, the input itself
// calibrates). The calibration input, in sequences the program can run: a long text is cut into windows of
// the context, and the scales are the maxima over all of them.
std::vector<std::vector<int>> calibration_sequences(const ExecOptions& o, const ir::Program& program,
                                                    std::string& where) {
  std::vector<int> ids;
  if (program.model.vocab == 256) {
    where = o.calibration;
    ids = functional::text_token_ids(o.calibration);
  } else {
    ids = id_list(o.calibration, "--calibration", where);
  }
  functional::check_not_empty(ids, where);
  functional::check_vocabulary(ids, program, where);
  return functional::windows(ids, functional::sequence_limit(program));
}

std::string token_label(int id, int vocab) {
  // Byte-level models: show the byte when it is printable ASCII.
  if (vocab == 256 && id >= 0x20 && id < 0x7f) return fmt::format("{} '{}'", id, static_cast<char>(id));
  return fmt::format("{}", id);
}

void run_exec(const ExecOptions& o) {
  // The input first: a malformed or empty one fails before the model is read.
  std::string where;
  const std::vector<int> ids = token_input(o.ids, o.text, where);
  functional::check_not_empty(ids, where);
  Study study = load_study(o.study);
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
  const std::vector<std::vector<int>> sequences =
      o.windows ? functional::windows(ids, functional::sequence_limit(program))
                : std::vector<std::vector<int>>{ids};
  for (const std::vector<int>& sequence : sequences) functional::check_token_ids(sequence, program, where);
  const functional::NumericsFacts facts = functional::NumericsFacts::of(study.model.spec);
  const functional::Executor reference(program, functional::float_op_tensors(program, *study.model.weights),
                                       facts);
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
    calibrated_on = "the input itself";
    const functional::ActivationScales scales =
        o.calibration.empty()
            ? input_scales
            : functional::calibrate(reference, calibration_sequences(o, program, calibrated_on));
    const weights::WeightsFile file = weights::quantize_program_weights(program, *study.model.weights);
    int_executor.emplace(program, functional::int_op_tensors(program, file), facts, scales);
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

  const std::map<std::string, functional::SiteCount>& sites = counted.all;
  nlohmann::json densities = nlohmann::json::object();
  for (const auto& [site, count] : sites)
    densities[site] = {{"density", count.density()}, {"events", count.events}, {"offered", count.offered}};
  const std::vector<LayerDensities> layer_densities = functional::layer_densities(counted);
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerDensities& layer : layer_densities) {
    nlohmann::json by_site = nlohmann::json::object();
    for (const auto& [site, density] : layer.densities) by_site[site] = density;
    layers.push_back({{"layer", layer.layer}, {"densities", by_site}});
  }
  nlohmann::json next = nlohmann::json::array();
  for (const auto& [id, p] : top) next.push_back({{"id", id}, {"probability", p}});
  const nlohmann::json json = {
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
  const std::string& json_path = o.study.json_path;
  if (!json_path.empty()) write_output(json_path, json.dump(2) + "\n");
  if (json_path == "-") return;
  fmt::print("{} {} on {}, {} numerics, {} weights: {} tokens from {}{}\n", study.model.spec.name,
             program.variant, study.hw.name, o.numerics, study.weights_origin, ids.size(), where,
             o.windows
                 ? fmt::format(" in {} windows of at most {}", sequences.size(), sequences.front().size())
                 : "");
  if (int_executor) {
    fmt::print(
        "int: weights {} bits, activations {} bits, KV rows {} bits; activation scales calibrated (max) on "
        "{}\n",
        program.precision.weight_bits, program.precision.act_bits, program.precision.kv_bits, calibrated_on);
  }
  if (quality.loss) {
    fmt::print("loss {:.4f} nats/token, perplexity {:.4g} over {} targets\n", *quality.loss,
               *quality.perplexity, quality.targets);
    if (int_executor) {
      fmt::print(
          "float: loss {:.4f}, perplexity {:.4g}; int/float perplexity {:.4f}; top-1 agreement {:.1f} %\n",
          *float_quality.loss, *float_quality.perplexity, *compared.perplexity_vs_float,
          100 * compared.top1_agreement);
    }
  } else {
    fmt::print("loss: none (one token has no next token to predict)\n");
  }
  fmt::print("next token after position {}{}:\n", sequences.back().size() - 1,
             o.windows ? " of the last window" : "");
  for (const auto& [id, p] : top)
    fmt::print("  {:>10}  p = {:.4f}\n", token_label(id, program.model.vocab), p);
  fmt::print("measured densities (non-zero inputs / inputs, all tiles and tokens):\n");
  for (const auto& [site, count] : sites)
    fmt::print("  {:<12} {:.4f}  ({} of {})\n", site, count.density(), count.events, count.offered);
  fmt::print("by layer (-1: outside the blocks):\n{}", layer_density_table(layer_densities));
}

}  // namespace

void add_exec_command(CLI::App& app) {
  auto options = std::make_shared<ExecOptions>();
  options->study.default_variants = "QKV";
  CLI::App* command = app.add_subcommand(
      "exec",
      "run the compiled model on token ids with its real weights: next tokens, loss, perplexity, "
      "measured densities");
  add_study_options(*command, options->study);
  add_synthetic_weights_option(*command, options->study);
  auto* ids = command->add_option("--ids", options->ids, "token ids: a list '1,2,3' or a file holding one");
  auto* text =
      command->add_option("--text", options->text, "a text file; each byte is a token (byte-level models)");
  ids->excludes(text);
  command
      ->add_option("--numerics", options->numerics,
                   "int: the program's widths (weights from the .nkw quantisation, calibrated activations); "
                   "float: the fp32 reference")
      ->check(CLI::IsMember({"int", "float"}))
      ->capture_default_str();
  command->add_option(
      "--calibration", options->calibration,
      "int: the input that calibrates activation scales (text for byte-level models, else ids; "
      "default: the input itself)");
  command->add_flag("--windows", options->windows,
                    "an input longer than the context runs as consecutive windows of the context, each from "
                    "position 0; loss, perplexity and densities cover them all");
  command->add_option("--json", options->study.json_path,
                      "write logits (last position), loss, perplexity, top-5 and densities as JSON to FILE "
                      "('-' = stdout)");
  command->callback([options] {
    if (options->ids.empty() && options->text.empty()) throw InputError("exec: expected --ids or --text");
    if (!options->calibration.empty() && options->numerics == "float") {
      throw InputError(
          "--calibration: --numerics float has no integer scales to calibrate, so it would be ignored; "
          "expected "
          "--numerics int or no --calibration");
    }
    run_exec(*options);
  });
}

}  // namespace neurokv::cli

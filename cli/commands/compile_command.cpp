#include "cli/commands/compile_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "cli/diagnostics.hpp"
#include "cli/output.hpp"
#include "cli/study_options.hpp"
#include "compiler/driver/compile_summary.hpp"
#include "compiler/driver/pass_text.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/support/error.hpp"
#include "compiler/weights/program_weights.hpp"
#include "compiler/weights/weights_writer.hpp"
#include "study/calibration.hpp"
#include "study/cnn_estimate.hpp"
#include "study/compile_variant.hpp"

namespace neurokv::cli {
namespace {

struct CompileCommandOptions {
  study::StudyOptions options;
  std::string output_path;
  std::string summary_path;
  std::vector<std::string> print_after;  // stage names or `all`
  std::string print_after_dir;
  std::string calibration;          // the sample the stored activation scales are calibrated on
  std::string map_mode = "allnps";  // CNN models: MetaTF's mapping mode
};

// The stages --print-after names (a comma list of `names`, the pipeline's stages, or `all`); all of them when
// only --print-after-dir is given.
std::set<std::string> stages_to_print(const CompileCommandOptions& options,
                                      const std::vector<std::string>& names) {
  std::vector<std::string> asked = options.print_after;
  if (asked.empty() && !options.print_after_dir.empty()) asked = {"all"};
  std::set<std::string> stages;
  for (const std::string& name : asked) {
    if (name == "all") {
      stages.insert(names.begin(), names.end());
    } else if (std::find(names.begin(), names.end(), name) != names.end()) {
      stages.insert(name);
    } else {
      throw InputError(fmt::format("--print-after: unknown pass '{}', expected one of {} or all", name,
                                   fmt::join(names, ", ")));
    }
  }
  return stages;
}

// Each text to stderr under a header line, or into DIR as NN-STAGE.txt (the Graph IR) and NN-lower.nkir (the
// Event IR), NN being the stage's place in the pipeline.
void print_pass_texts(const std::vector<PassText>& texts, const std::string& dir,
                      const std::vector<std::string>& names) {
  std::error_code error;
  if (!dir.empty() && !std::filesystem::create_directories(dir, error) && error) {
    throw InputError(
        fmt::format("--print-after-dir {}: cannot create the folder ({}), expected a writable path", dir,
                    error.message()));
  }
  for (const PassText& text : texts) {
    if (dir.empty()) {
      fmt::print(stderr, "# neurokv: IR after {}\n{}", text.pass, text.text);
      continue;
    }
    const auto place = std::find(names.begin(), names.end(), text.pass) - names.begin() + 1;
    const char* extension = text.pass == "lower" ? "nkir" : "txt";
    write_output(fmt::format("{}/{:02}-{}.{}", dir, place, text.pass, extension), text.text);
  }
}

void check_outputs(const CompileCommandOptions& options) {
  if (options.output_path == "-" && options.summary_path == "-") {
    throw InputError(
        "--json -: -o already writes the program to stdout, expected a file name for one of them");
  }
}

// A CNN model: mapped in --map-mode, one op per layer; no variant, context, widths or weights file.
void run_compile_cnn(const CLI::App& command, const CompileCommandOptions& options) {
  refuse_transformer_flags(command, options.options.model,
                           "--model, --hw, --map-mode, -o, --json, --print-after and --print-after-dir");
  check_outputs(options);
  std::vector<PassText> texts;
  const CompileResult result =
      study::compile_cnn_model(options.options.model, options.options.hw, options.map_mode,
                               stages_to_print(options, cnn_compile_pass_names()), texts);
  print_pass_texts(texts, options.print_after_dir, cnn_compile_pass_names());
  const ir::Program& program = result.program;
  if (!options.output_path.empty()) write_output(options.output_path, ir::print_program(program));
  const nlohmann::json summary = compile_summary(result);
  if (!options.summary_path.empty()) write_output(options.summary_path, summary.dump(2) + "\n");
  if (options.output_path != "-" && options.summary_path != "-") {
    fmt::print("{} ({}) on {}: {} ops, {} of {} NPs, {} weight bytes ({} streamed from DRAM)\n",
               program.model.name, program.model.map_mode, program.chip.name, program.ops.size(),
               summary["nps_used"].get<int>(), summary["nps_total"].get<int>(),
               summary["weight_bytes"].get<int64_t>(), summary["dram_weight_bytes"].get<int64_t>());
  }
  Diagnostics notes = result.diagnostics;
  if (options.output_path.empty())
    notes.push_back(Diagnostic::note("no program written (no -o); pass -o FILE.nkir to write it"));
  print_diagnostics(notes);
}

void run_compile(const CLI::App& command, const CompileCommandOptions& options) {
  if (study::names_cnn_model(options.options.model)) return run_compile_cnn(command, options);
  if (command.count("--map-mode") > 0) {
    throw InputError(fmt::format(
        "{}: --map-mode applies to CNN models (network: cnn), expected no --map-mode for a transformer",
        options.options.model));
  }
  check_outputs(options);
  if (!options.calibration.empty() && (options.output_path.empty() || options.output_path == "-")) {
    throw InputError(
        "--calibration: the activation scales are stored in the weights file beside the program, which is "
        "written with -o FILE.nkir only; expected -o FILE.nkir");
  }
  const study::Study loaded = study::load_study(options.options, print_diagnostic);
  if (!options.calibration.empty() && !loaded.model.weights) {
    throw InputError(fmt::format(
        "--calibration: model {} has no weights (a YAML model), so there is no weights file to store "
        "activation scales in; expected an ONNX model",
        loaded.model.spec.name));
  }
  std::vector<PassText> texts;
  const CompileResult result = study::compile_variant(loaded, options.options.variants,
                                                      stages_to_print(options, compile_pass_names()), texts);
  print_pass_texts(texts, options.print_after_dir, compile_pass_names());
  // Real weights (an imported model) go beside the program; stdout takes the program alone. They are made
  // first, so a bad calibration input leaves no program without its weights.
  const bool writes_weights =
      loaded.model.weights && !options.output_path.empty() && options.output_path != "-";
  std::string weights_bytes;
  if (writes_weights) {
    weights_bytes = weights::encode_weights_file(
        options.calibration.empty() ? weights::quantize_program_weights(result.program, *loaded.model.weights)
                                    : study::calibrated_weights_file(result.program, *loaded.model.weights,
                                                                     loaded.model.spec, options.calibration));
  }
  if (!options.output_path.empty()) write_output(options.output_path, ir::print_program(result.program));
  if (writes_weights) write_output(weights::weights_path_for(options.output_path), weights_bytes);
  if (!options.summary_path.empty())
    write_output(options.summary_path, compile_summary(result).dump(2) + "\n");
  if (options.output_path != "-" && options.summary_path != "-") {
    const nlohmann::json summary = compile_summary(result);
    fmt::print("{} {} on {}: {} ops, {} of {} NPs, {} weight bytes ({} streamed from DRAM), KV cache in {}\n",
               loaded.model.spec.name, result.program.variant, loaded.hw.name, result.program.ops.size(),
               summary["nps_used"].get<int>(), summary["nps_total"].get<int>(),
               summary["weight_bytes"].get<int64_t>(), summary["dram_weight_bytes"].get<int64_t>(),
               summary["kv_cache"]["location"].get<std::string>());
  }
  Diagnostics notes = loaded.notes;
  notes.insert(notes.end(), result.diagnostics.begin(), result.diagnostics.end());
  if (writes_weights) {
    notes.push_back(Diagnostic::note(
        fmt::format("weights written to {}{}", weights::weights_path_for(options.output_path),
                    options.calibration.empty()
                        ? ""
                        : ", with activation scales calibrated (max) on " + options.calibration)));
  }
  // Say what was not written, so a run that only checks a model is not taken for one that saved it.
  if (options.output_path.empty()) {
    notes.push_back(Diagnostic::note("no program written (no -o); pass -o FILE.nkir to write it"));
  } else if (loaded.model.weights && options.output_path == "-") {
    notes.push_back(Diagnostic::note(
        "the weights were not written (the program went to stdout); pass -o FILE.nkir to write FILE.nkw "
        "beside it"));
  }
  print_diagnostics(notes);
}

}  // namespace

void add_compile_command(CLI::App& app) {
  auto options = std::make_shared<CompileCommandOptions>();
  options->options.default_variants = "QKV";
  CLI::App* command = app.add_subcommand(
      "compile", "lower a model and one attention variant (or a CNN model) to an Event IR program (.nkir)");
  add_study_options(*command, options->options);
  command->add_option("-o,--output", options->output_path, "write the program to FILE ('-' = stdout)");
  command->add_option("--json", options->summary_path,
                      "write the compile summary (op counts, NPs, SRAM/DRAM, KV cache, pass times) to FILE");
  command
      ->add_option("--print-after", options->print_after,
                   "print the IR after PASS (comma list, or 'all') to stderr; passes: " +
                       fmt::format("{}; a CNN's: {}", fmt::join(compile_pass_names(), ", "),
                                   fmt::join(cnn_compile_pass_names(), ", ")))
      ->delimiter(',');
  command->add_option(
      "--print-after-dir", options->print_after_dir,
      "write the IR after each pass (or each --print-after pass) into DIR as NN-PASS.txt, and "
      "NN-lower.nkir");
  command->add_option(
      "--calibration", options->calibration,
      "an ONNX model: calibrate integer execution's activation scales on FILE (text for byte-level models, "
      "else ids) and store them in the weights file (-o FILE.nkir writes FILE.nkw)");
  command
      ->add_option("--map-mode", options->map_mode,
                   "CNN models: how layers map onto NPs, minimal or allnps (MetaTF's names and default)")
      ->capture_default_str();
  command->callback([command, options] { run_compile(*command, *options); });
}

}  // namespace neurokv::cli

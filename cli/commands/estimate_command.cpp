#include "cli/commands/estimate_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/output.hpp"
#include "cli/study_options.hpp"
#include "compiler/support/error.hpp"
#include "simulator/frame_report_render.hpp"
#include "study/cnn_estimate.hpp"

namespace neurokv::cli {
namespace {

// A CNN's widths are its model's and its unit is a frame: --model, --hw, --map-mode and --json apply, and
// the flags of measured events (a YAML's synthetic weights, the input frames).
void estimate_cnn(const CLI::App& command, const study::StudyOptions& options, const std::string& map_mode,
                  const std::string& frames_file, const ReportPaths& paths) {
  refuse_transformer_flags(
      command, options.model,
      "--model, --hw, --map-mode, --json, --events, --synthetic-weights, --frames and --threads",
      {"--events", "--synthetic-weights", "--threads"});
  const passes::MapMode mode = passes::parse_map_mode(map_mode, "--map-mode");
  Diagnostics notes;
  const FrameReport report = study::estimate_cnn(options, mode, frames_file, notes);
  if (!paths.json_path.empty()) write_output(paths.json_path, frame_report_json(report).dump(2) + "\n");
  if (paths.json_path != "-") fmt::print("{}", frame_report_table(report));
  print_diagnostics(notes);
}

}  // namespace

void add_estimate_command(CLI::App& app) {
  auto options = std::make_shared<study::StudyOptions>();
  auto paths = std::make_shared<ReportPaths>();
  auto prompt = std::make_shared<int64_t>(0);
  auto map_mode = std::make_shared<std::string>("allnps");
  auto frames = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "estimate",
      "analytic estimate per variant: parameters, weights, KV cache, MACs, and one decode step's "
      "cycles, energy and memory traffic; for a CNN model, one frame's");
  add_study_options(*command, *options);
  add_report_options(*command, *paths);
  add_event_options(*command, *options);
  command->add_option("--prompt,-p", *prompt, "also estimate the prefill of a P-token prompt")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  command
      ->add_option("--map-mode", *map_mode,
                   "CNN models: how layers map onto NPs, minimal or allnps (MetaTF's names and default)")
      ->capture_default_str();
  command->add_option("--frames", *frames,
                      "CNN models, measured events: a raw file of uint8 frames at the model's input shape "
                      "(height x width x channels each, HWC order; default: 8 synthetic frames)");
  command->callback([command, options, paths, prompt, map_mode, frames] {
    if (study::names_cnn_model(options->model))
      return estimate_cnn(*command, *options, *map_mode, *frames, *paths);
    refuse_cnn_flags(*command, options->model);
    study::Study loaded = load_study(*options, *paths);
    const Report report = study::estimate(loaded, *options, *prompt, print_diagnostic);
    emit_report(report, *paths);
    print_diagnostics(loaded.notes);
  });
}

}  // namespace neurokv::cli

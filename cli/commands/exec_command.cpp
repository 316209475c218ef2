#include "cli/commands/exec_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/output.hpp"
#include "cli/study_options.hpp"
#include "compiler/support/error.hpp"
#include "simulator/report_render.hpp"
#include "study/cnn_estimate.hpp"
#include "study/cnn_exec.hpp"
#include "study/exec.hpp"

namespace neurokv::cli {
namespace {

struct ExecFlags {
  study::ExecOptions exec;
  std::string json_path;
  std::string map_mode = "allnps";  // CNN models
  std::string frames;               // CNN models: --frames
};

std::string token_label(int id, int vocab) {
  // Byte-level models: show the byte when it is printable ASCII.
  if (vocab == 256 && id >= 0x20 && id < 0x7f) return fmt::format("{} '{}'", id, static_cast<char>(id));
  return fmt::format("{}", id);
}

void run_exec(const ExecFlags& flags) {
  const study::ExecOptions& o = flags.exec;
  const study::Execution run = study::execute(o, print_diagnostic);
  const nlohmann::json& r = run.report;
  if (!flags.json_path.empty()) write_output(flags.json_path, r.dump(2) + "\n");
  if (flags.json_path == "-") return;
  const bool integer = o.numerics == "int";
  fmt::print("{} {} on {}, {} numerics, {} weights: {} tokens from {}{}\n", r["model"].get<std::string>(),
             r["variant"].get<std::string>(), run.chip, o.numerics, r["weights"].get<std::string>(),
             r["tokens"].get<std::size_t>(), run.input,
             o.windows
                 ? fmt::format(" in {} windows of at most {}", run.logits.size(), run.logits.front().size())
                 : "");
  if (integer) {
    fmt::print(
        "int: weights {} bits, activations {} bits, KV rows {} bits; activation scales calibrated (max) on "
        "{}\n",
        run.weight_bits, run.act_bits, run.kv_bits, r["calibrated_on"].get<std::string>());
  }
  if (!r["loss"].is_null()) {
    fmt::print("loss {:.4f} nats/token, perplexity {:.4g} over {} targets\n", r["loss"].get<double>(),
               r["perplexity"].get<double>(), r["targets"].get<int64_t>());
    if (integer) {
      fmt::print(
          "float: loss {:.4f}, perplexity {:.4g}; int/float perplexity {:.4f}; top-1 agreement {:.1f} %\n",
          r["float_loss"].get<double>(), run.float_perplexity, r["perplexity_vs_float"].get<double>(),
          100 * r["top1_agreement"].get<double>());
    }
  } else {
    fmt::print("loss: none (one token has no next token to predict)\n");
  }
  fmt::print("next token after position {}{}:\n", run.logits.back().size() - 1,
             o.windows ? " of the last window" : "");
  for (const nlohmann::json& next : r["top5"])
    fmt::print("  {:>10}  p = {:.4f}\n", token_label(next["id"].get<int>(), run.vocab),
               next["probability"].get<double>());
  fmt::print("measured densities (non-zero inputs / inputs, all tiles and tokens):\n");
  for (const auto& [site, count] : r["densities"].items())
    fmt::print("  {:<12} {:.4f}  ({} of {})\n", site, count["density"].get<double>(),
               count["events"].get<int64_t>(), count["offered"].get<int64_t>());
  fmt::print("by layer (-1: outside the blocks):\n{}", layer_density_table(run.layer_densities));
}

// A CNN: executed on frames with its own weights (ONNX) or synthetic ones (a YAML); per layer its events, per
// frame its top class.
void run_cnn_exec(const CLI::App& command, const ExecFlags& flags) {
  const study::ExecOptions& o = flags.exec;
  refuse_transformer_flags(
      command, o.study.model,
      "--model, --hw, --map-mode, --synthetic-weights, --frames, --numerics, --threads and "
      "--json",
      {"--synthetic-weights", "--threads"});
  if (command.count("--windows") > 0) {
    throw InputError(fmt::format(
        "{}: --windows does not apply to a CNN model (network: cnn), which runs frames", o.study.model));
  }
  const functional::Numerics numerics =
      o.numerics == "int" ? functional::Numerics::Int : functional::Numerics::Float;
  Diagnostics notes;
  const study::CnnModelRun run = study::execute_cnn_model(
      o.study, passes::parse_map_mode(flags.map_mode, "--map-mode"), flags.frames, numerics, notes);
  print_diagnostics(notes);
  if (!flags.json_path.empty()) write_output(flags.json_path, study::cnn_run_json(run).dump(2) + "\n");
  if (flags.json_path == "-") return;
  fmt::print("CNN {} on {}, mapping {}, {} numerics, {}: {}\n", run.program.model.name, run.program.chip.name,
             run.program.model.map_mode, o.numerics, run.weights, run.frames);
  if (numerics == functional::Numerics::Int) {
    fmt::print(
        "int: each layer's weights and activations at its widths; activation steps from the float run's "
        "largest "
        "output on these frames (a bounded ReLU's: its bound)\n");
  }
  fmt::print("{:<14} {:<6} {:>5} {:>12} {:>12} {:>8} {:>12}\n", "layer", "engine", "tiles", "events",
             "offered", "density", "halo events");
  for (const functional::CnnLayerEvents& layer : run.execution.layers) {
    int64_t halo = 0;
    for (const functional::CnnTileEvents& t : layer.tiles) halo += t.halo_events;
    fmt::print("{:<14} {:<6} {:>5} {:>12} {:>12} {:>8.4f} {:>12}\n", layer.name, layer.on_hrc ? "HRC" : "NP",
               layer.tiles.size(), layer.events, layer.offered, layer.density(), halo);
  }
  fmt::print(
      "events: non-zero inputs, each position once; the HRC's are counted but it processes every input\n");
  std::string classes;
  int agree = 0;
  for (int64_t f = 0; f < run.execution.frames; ++f) {
    const int mine = run.execution.top_class(f), reference = run.reference.top_class(f);
    agree += mine == reference;
    classes += fmt::format(
        "{}{}", f == 0 ? "" : " ",
        numerics == functional::Numerics::Int ? fmt::format("{}/{}", mine, reference) : std::to_string(mine));
  }
  if (numerics == functional::Numerics::Int) {
    fmt::print("top class per frame (int/float): {}; int agrees with float on {} of {}\n", classes, agree,
               run.execution.frames);
  } else {
    fmt::print("top class per frame: {}\n", classes);
  }
}

}  // namespace

void add_exec_command(CLI::App& app) {
  auto flags = std::make_shared<ExecFlags>();
  study::ExecOptions& options = flags->exec;
  options.study.default_variants = "QKV";
  CLI::App* command = app.add_subcommand(
      "exec",
      "run the compiled model on token ids with its real weights: next tokens, loss, perplexity, "
      "measured densities");
  add_study_options(*command, options.study);
  add_synthetic_weights_option(*command, options.study);
  add_threads_option(*command, options.study);
  auto* ids = command->add_option("--ids", options.ids, "token ids: a list '1,2,3' or a file holding one");
  auto* text =
      command->add_option("--text", options.text, "a text file; each byte is a token (byte-level models)");
  ids->excludes(text);
  command
      ->add_option("--numerics", options.numerics,
                   "int: the program's widths (weights from the .nkw quantisation, calibrated activations); "
                   "float: the fp32 reference")
      ->check(CLI::IsMember({"int", "float"}))
      ->capture_default_str();
  command->add_option(
      "--calibration", options.calibration,
      "int: the input that calibrates activation scales (text for byte-level models, else ids; "
      "default: the input itself)");
  command->add_option(
      "--weights", options.weights_file,
      "int: run the compiled program's weights file (compile -o OUT.nkir writes OUT.nkw): its "
      "codes, and its activation scales when compile --calibration stored them");
  command->add_flag("--windows", options.windows,
                    "an input longer than the context runs as consecutive windows of the context, each from "
                    "position 0; loss, perplexity and densities cover them all");
  command->add_option("--json", flags->json_path,
                      "write logits (last position), loss, perplexity, top-5 and densities as JSON to FILE "
                      "('-' = stdout)");
  command
      ->add_option("--map-mode", flags->map_mode,
                   "CNN models: how layers map onto NPs, minimal or allnps (MetaTF's names and default)")
      ->capture_default_str();
  command->add_option("--frames", flags->frames,
                      "CNN models: a raw file of uint8 frames at the model's input shape (height x width x "
                      "channels each, HWC order; default: 8 synthetic frames)");
  command->callback([command, flags] {
    if (study::names_cnn_model(flags->exec.study.model)) return run_cnn_exec(*command, *flags);
    refuse_cnn_flags(*command, flags->exec.study.model);
    run_exec(*flags);
  });
}

}  // namespace neurokv::cli

#include "cli/study_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "cli/diagnostics.hpp"
#include "cli/output.hpp"
#include "compiler/config/attention_variant.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/support/error.hpp"
#include "simulator/functional/workers.hpp"
#include "simulator/report_render.hpp"

namespace neurokv::cli {
namespace {

constexpr const char* kTransformerFlags[] = {
    "--variant", "--context", "--weight-bits", "--act-bits", "--kv-bits", "--no-fuse-kv",
    "--prompt",  "--ids",     "--text",        "--events",   "--weights", "--synthetic-weights",
    "--threads", "--csv",     "--calibration"};

}  // namespace

void refuse_transformer_flags(const CLI::App& command, const std::string& model, const char* expected,
                              std::initializer_list<std::string_view> allowed) {
  for (const char* flag : kTransformerFlags) {
    if (std::find(allowed.begin(), allowed.end(), flag) != allowed.end()) continue;
    if (command.get_option_no_throw(flag) != nullptr && command.count(flag) > 0) {
      throw InputError(fmt::format("{}: {} does not apply to a CNN model (network: cnn), expected only {}",
                                   model, flag, expected));
    }
  }
}

void refuse_cnn_flags(const CLI::App& command, const std::string& model) {
  for (const char* flag : {"--map-mode", "--frames"}) {
    if (command.count(flag) > 0) {
      throw InputError(
          fmt::format("{}: {} applies to CNN models (network: cnn), expected no {} for a transformer", model,
                      flag, flag));
    }
  }
}

void add_study_options(CLI::App& command, study::StudyOptions& o) {
  command.add_option("--model,-m", o.model, "model YAML (a path or a name in models/) or an .onnx file")
      ->capture_default_str();
  command.add_option("--hw", o.hw, "chip YAML: a path or a name in hwconfigs/")->capture_default_str();
  command.add_option(
      "--variant,-v", o.variants,
      fmt::format("{}, a comma list, or all (default: {}; ONNX: the variants its layers were built with)",
                  AttentionVariant::names(), o.default_variants));
  command.add_option("--context,-n", o.context, "context length N (cached tokens)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, ir::kMaxContext));
  command.add_option("--weight-bits", o.weight_bits, "weight precision (default: the chip's widest)")
      ->check(CLI::Range(1, 32));
  command.add_option("--act-bits", o.act_bits, "activation precision (default: the chip's widest)")
      ->check(CLI::Range(1, 32));
  command
      .add_option(
          "--kv-bits", o.kv_bits,
          "KV-cache precision, e.g. 16 for the paper's fp16 (default: the chip's narrowest, at least the "
          "activations)")
      ->check(CLI::Range(1, 32));
  command.add_flag("--no-fuse-kv", o.no_fuse_kv,
                   "K=V variants: read the cached K twice (for QKᵀ and for P·V) instead of once");
}

void add_event_options(CLI::App& command, study::StudyOptions& o) {
  auto* ids =
      command.add_option("--ids", o.ids, "measured events: token ids, a list '1,2,3' or a file holding one");
  auto* text = command.add_option("--text", o.text,
                                  "measured events: a text file, each byte a token (byte-level models)");
  ids->excludes(text);
  command
      .add_option("--events", o.events,
                  "measured: densities from executing the model on --ids/--text (needs an ONNX model or "
                  "--synthetic-weights; a CNN: on frames, with its ONNX weights or --synthetic-weights); "
                  "assumed: the "
                  "model's assumed densities; auto: measured when both exist")
      ->check(CLI::IsMember({"auto", "measured", "assumed"}))
      ->capture_default_str();
  command.add_option("--weights", o.weights_file,
                     "measured events: execute the compiled program's weights file (compile -o OUT.nkir "
                     "writes OUT.nkw): its codes, and its activation scales when compile --calibration "
                     "stored them");
  add_synthetic_weights_option(command, o);
  add_threads_option(command, o);
}

void add_synthetic_weights_option(CLI::App& command, study::StudyOptions& o) {
  command
      .add_option("--synthetic-weights", o.synthetic_seed,
                  "a model without weights (YAML) executes with weights drawn from SEED (GPT-2's "
                  "initialisation; a CNN's He-normal); every measured figure then says 'synthetic weights'")
      ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
}

void add_threads_option(CLI::App& command, study::StudyOptions& o) {
  command
      .add_option("--threads", o.threads,
                  "execute on N threads (a Linear's blocks of outputs and attention's heads side by side; "
                  "the same results for any N; default: the machine's cores)")
      ->check(CLI::Range(1, functional::kMaxThreads));
}

void add_report_options(CLI::App& command, ReportPaths& o) {
  command.add_option("--json", o.json_path, "write the JSON report to FILE ('-' = stdout)");
  command.add_option("--csv", o.csv_path, "write the CSV report to FILE ('-' = stdout)");
}

void check_report_outputs(const ReportPaths& o) {
  if (o.json_path == "-" && o.csv_path == "-") {
    throw InputError("--csv -: --json already writes to stdout, expected a file name for one of them");
  }
}

study::Study load_study(const study::StudyOptions& options, const ReportPaths& paths) {
  check_report_outputs(paths);
  return study::load_study(options, print_diagnostic);
}

void emit_report(const Report& report, const ReportPaths& o) {
  // Files first: an output path that cannot be written fails before anything reaches stdout.
  if (!o.json_path.empty()) write_output(o.json_path, report_json(report).dump(2) + "\n");
  if (!o.csv_path.empty()) write_output(o.csv_path, report_csv(report));
  if (o.json_path != "-" && o.csv_path != "-") fmt::print("{}", report_table(report));
  for (const VariantReport& variant : report.variants) print_diagnostics(variant.diagnostics);
}

}  // namespace neurokv::cli

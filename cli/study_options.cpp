#include "cli/study_options.hpp"

#include <fmt/format.h>

#include "cli/diagnostics.hpp"
#include "cli/output.hpp"
#include "cli/paths.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/support/error.hpp"
#include "simulator/report_render.hpp"

namespace neurokv::cli {

void add_study_options(CLI::App& command, StudyOptions& o) {
  command.add_option("--model,-m", o.model, "model YAML (a path or a name in models/) or an .onnx file")
      ->capture_default_str();
  command.add_option("--hw", o.hw, "chip YAML: a path or a name in hwconfigs/")->capture_default_str();
  command.add_option(
      "--variant,-v", o.variants,
      fmt::format("QKV, Q-K=V, Q=K-V, Q=K=V, GQA-<g>, MQA, Q-GQA-<g>, Q-MQA, a comma list, or all "
                  "(default: {}; ONNX: the variants its layers were built with)",
                  o.default_variants));
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

void add_report_options(CLI::App& command, StudyOptions& o) {
  command.add_option("--json", o.json_path, "write the JSON report to FILE ('-' = stdout)");
  command.add_option("--csv", o.csv_path, "write the CSV report to FILE ('-' = stdout)");
}

Study load_study(const StudyOptions& o) {
  Study s{load_model_source(o.model, data_dir("models")), load_hw(o.hw, data_dir("hwconfigs")), {}, {}};
  print_diagnostics(s.model.diagnostics);
  try {
    // An imported model is compiled as the variants its layers were built with; "all" means those.
    const std::string& names = o.variants.empty() ? o.default_variants : o.variants;
    if (s.model.imported() && (o.variants.empty() || names == "all")) {
      s.variants = {s.model.detected_variant()};
    } else {
      for (const AttentionVariant& v :
           AttentionVariant::parse_list(names, s.model.spec.heads, s.model.spec.kv_groups)) {
        s.variants.emplace_back(v);
      }
    }
    for (const LayerVariants& variant : s.variants) s.model.check_variant(variant);
  } catch (const InputError& e) {
    throw InputError(fmt::format("--variant: {}", e.what()));
  }
  s.compile.context = o.context;
  s.compile.weight_bits = o.weight_bits;
  s.compile.act_bits = o.act_bits;
  s.compile.kv_bits = o.kv_bits;
  s.compile.fuse_kv = !o.no_fuse_kv;
  return s;
}

void emit_report(const Report& report, const StudyOptions& o) {
  // Files first: an output path that cannot be written fails before anything reaches stdout.
  if (!o.json_path.empty()) write_output(o.json_path, report_json(report).dump(2) + "\n");
  if (!o.csv_path.empty()) write_output(o.csv_path, report_csv(report));
  if (o.json_path != "-" && o.csv_path != "-") fmt::print("{}", report_table(report));
}

}  // namespace neurokv::cli

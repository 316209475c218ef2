#include "cli/study_options.hpp"

#include <fmt/format.h>

#include <limits>
#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/output.hpp"
#include "cli/paths.hpp"
#include "cli/token_input.hpp"
#include "compiler/config/extrapolation.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/support/error.hpp"
#include "simulator/functional/measured_events.hpp"
#include "simulator/functional/synthetic_weights.hpp"
#include "simulator/report_render.hpp"

namespace neurokv::cli {

void add_study_options(CLI::App& command, StudyOptions& o) {
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

void add_event_options(CLI::App& command, StudyOptions& o) {
  auto* ids =
      command.add_option("--ids", o.ids, "measured events: token ids, a list '1,2,3' or a file holding one");
  auto* text = command.add_option("--text", o.text,
                                  "measured events: a text file, each byte a token (byte-level models)");
  ids->excludes(text);
  command
      .add_option(
          "--events", o.events,
          "measured: densities from executing the model on --ids/--text (needs an ONNX model); assumed: "
          "the model's assumed densities; auto: measured when both exist")
      ->check(CLI::IsMember({"auto", "measured", "assumed"}))
      ->capture_default_str();
  add_synthetic_weights_option(command, o);
}

void add_synthetic_weights_option(CLI::App& command, StudyOptions& o) {
  command
      .add_option("--synthetic-weights", o.synthetic_seed,
                  "a model without weights (YAML) executes with GPT-2-initialised weights drawn from SEED; "
                  "every measured figure then says 'synthetic weights'")
      ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
}

void give_synthetic_weights(Study& s, const StudyOptions& o) {
  if (o.synthetic_seed < 0) return;
  if (s.model.weights) {
    throw InputError(fmt::format(
        "--synthetic-weights: model {} has weights of its own, expected a model YAML (shapes only)",
        s.model.spec.name));
  }
  if (s.variants.size() != 1) {
    throw InputError(
        fmt::format("--synthetic-weights: draws the weights of one variant, got {}; expected one "
                    "--variant",
                    s.variants.size()));
  }
  const ir::Program program = compile(s.model, s.variants.front(), s.hw, s.compile).program;
  s.model.weights = std::make_shared<const ModelWeights>(
      functional::synthetic_weights(program, static_cast<uint64_t>(o.synthetic_seed)));
  s.weights_origin = fmt::format("synthetic (GPT-2 initialisation, seed {})", o.synthetic_seed);
}

void apply_measured_events(Study& s, const StudyOptions& o) {
  const bool input = !o.ids.empty() || !o.text.empty();
  if (o.events == "assumed") {
    if (input)
      throw InputError("--events assumed: --ids/--text would not be used, expected one or the other");
    return;
  }
  if (!input) {
    if (o.events == "measured") throw InputError("--events measured: expected --ids or --text to execute");
    if (o.synthetic_seed >= 0)
      throw InputError("--synthetic-weights: nothing is executed without an input, expected --ids or --text");
    return;
  }
  if (s.variants.size() != 1) {
    throw InputError(fmt::format("--events measured: measures one variant, got {}", s.variants.size()));
  }
  give_synthetic_weights(s, o);
  std::string where;
  const std::vector<int> ids = token_input(o.ids, o.text, where);
  const functional::MeasuredEvents measured =
      functional::measure_events(s.model, s.variants.front(), s.hw, s.compile, ids, where);
  s.model.spec.density = measured.density;
  MeasuredExecution execution;
  execution.input = where;
  execution.weights = s.weights_origin;
  execution.tokens = measured.tokens;
  for (const auto& [site, count] : measured.sites) execution.densities.emplace_back(site, count.density());
  execution.loss = measured.quality.quality.loss;
  execution.perplexity = measured.quality.quality.perplexity;
  execution.perplexity_vs_float = measured.quality.perplexity_vs_float;
  execution.top1_agreement = measured.quality.top1_agreement;
  execution.targets = measured.quality.quality.targets;
  s.measured = execution;
  std::string sites;
  for (const auto& [site, count] : measured.sites) sites += fmt::format(" {} {:.4f}", site, count.density());
  print_diagnostic(Diagnostic::note(
      fmt::format("events measured by integer execution of {} tokens from {} (densities:{}); "
                  "residual adds, LayerNorm inputs and scores are dense",
                  measured.tokens, where, sites)));
}

void mark_events(Report& report, const Study& study) {
  for (VariantReport& v : report.variants) v.measured = study.measured;
}

void add_report_options(CLI::App& command, StudyOptions& o) {
  command.add_option("--json", o.json_path, "write the JSON report to FILE ('-' = stdout)");
  command.add_option("--csv", o.csv_path, "write the CSV report to FILE ('-' = stdout)");
}

namespace {

// The names of a --variant list as the user typed them, trimmed.
std::vector<std::string> typed_names(const std::string& list) {
  std::vector<std::string> names;
  std::size_t begin = 0;
  for (std::size_t comma = list.find(','); begin <= list.size(); comma = list.find(',', begin)) {
    std::string name = list.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    names.push_back(name);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return names;
}

// What the user should know about how --variant was read: a name in another case, "all" without a group
// count, "all" on an imported model.
Diagnostics variant_notes(const StudyOptions& o, const Study& s) {
  Diagnostics notes;
  const auto note = [&](std::string text) { notes.push_back(Diagnostic::note(std::move(text))); };
  const bool all = typed_names(o.variants).size() == 1 && AttentionVariant::is_all(o.variants);
  if (s.model.imported()) {
    if (all) {
      note(
          fmt::format("--variant all on an ONNX model is the variant its layers were built with ({}): the "
                      "weights of the other variants' projections do not exist",
                      s.variants.front().name()));
    }
    return notes;
  }
  const std::string& names = o.variants.empty() ? o.default_variants : o.variants;
  const ModelSpec& m = s.model.spec;
  if (o.variants.empty() && own_variants(m)) {
    note(
        fmt::format("{} is {} by its own layers (no --variant); --variant applies one variant to every layer",
                    m.name, s.variants.front().name()));
    return notes;
  }
  if (AttentionVariant::is_all(names) && m.kv_heads < m.heads) {
    note(
        fmt::format("{0} has {1} KV heads for its {2} query heads, so 'all' is what the paper's variants "
                    "become on it (QKV is GQA-{1}, Q-K=V is Q-GQA-{1}, with MQA and Q-MQA; Q=K-V and Q=K=V "
                    "need as many key heads as query heads)",
                    m.name, m.kv_heads, m.heads));
  } else if (AttentionVariant::is_all(names) && s.model.spec.kv_groups == 0) {
    note(
        fmt::format("{} has no kv_groups, so 'all' is the six variants without a group count; name GQA-<g> "
                    "or Q-GQA-<g> to add those",
                    s.model.spec.name));
  }
  if (all || o.variants.empty()) return notes;
  const std::vector<std::string> typed = typed_names(o.variants);
  for (std::size_t i = 0; i < typed.size() && i < s.variants.size(); ++i) {
    if (typed[i] != s.variants[i].name())
      note(fmt::format("--variant '{}' read as {}", typed[i], s.variants[i].name()));
  }
  return notes;
}

// --no-fuse-kv changes only the K=V variants: with none of them asked for it would be ignored.
void check_no_fuse_kv(const Study& s) {
  for (const LayerVariants& variants : s.variants) {
    for (const AttentionVariant& v : variants.for_layers(s.model.spec.layers)) {
      if (v.values_are_keys()) return;
    }
  }
  throw InputError(
      "--no-fuse-kv: none of the variants asked for reads its values from the keys (Q-K=V, Q=K=V, Q-GQA-g, "
      "Q-MQA), so it would change nothing; expected one of those or no --no-fuse-kv");
}

}  // namespace

Study load_study(const StudyOptions& o) {
  check_report_outputs(o);
  Study s{load_model_source(o.model, data_dir("models")),
          load_hw(o.hw, data_dir("hwconfigs")),
          {},
          {},
          {},
          {},
          "the model's"};
  print_diagnostics(s.model.diagnostics);
  try {
    // An imported model is compiled as the variants its layers were built with; "all" means those.
    const std::string& names = o.variants.empty() ? o.default_variants : o.variants;
    const std::optional<LayerVariants> own = own_variants(s.model.spec);
    if (s.model.imported() && (o.variants.empty() || AttentionVariant::is_all(names))) {
      s.variants = {s.model.detected_variant()};
    } else if (own && o.variants.empty()) {  // a model YAML with variants of its own (gemma4-like)
      s.variants = {*own};
    } else {
      for (const AttentionVariant& v : AttentionVariant::parse_list(
               names, s.model.spec.heads, s.model.spec.kv_groups, s.model.spec.kv_heads)) {
        s.variants.emplace_back(v);
      }
    }
    for (const LayerVariants& variant : s.variants) s.model.check_variant(variant);
  } catch (const InputError& e) {
    throw InputError(fmt::format("--variant: {}", e.what()));
  }
  s.notes = variant_notes(o, s);
  if (o.no_fuse_kv) check_no_fuse_kv(s);
  const std::string warning = extrapolation_warning(s.model.spec.name, s.model.spec.max_positions, o.context);
  if (!warning.empty()) {
    s.notes.push_back(
        Diagnostic::warning(fmt::format("--context: {} (pass --context {} or less to stay within them)",
                                        warning, s.model.spec.max_positions)));
  }
  s.compile.context = o.context;
  s.compile.weight_bits = o.weight_bits;
  s.compile.act_bits = o.act_bits;
  s.compile.kv_bits = o.kv_bits;
  s.compile.fuse_kv = !o.no_fuse_kv;
  return s;
}

void check_report_outputs(const StudyOptions& o) {
  if (o.json_path == "-" && o.csv_path == "-") {
    throw InputError("--csv -: --json already writes to stdout, expected a file name for one of them");
  }
}

void emit_report(const Report& report, const StudyOptions& o) {
  // Files first: an output path that cannot be written fails before anything reaches stdout.
  if (!o.json_path.empty()) write_output(o.json_path, report_json(report).dump(2) + "\n");
  if (!o.csv_path.empty()) write_output(o.csv_path, report_csv(report));
  if (o.json_path != "-" && o.csv_path != "-") fmt::print("{}", report_table(report));
  for (const VariantReport& variant : report.variants) print_diagnostics(variant.diagnostics);
}

}  // namespace neurokv::cli

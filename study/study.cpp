#include "study/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "compiler/config/extrapolation.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/support/cores.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/side_by_side.hpp"
#include "compiler/weights/weights_reader.hpp"
#include "simulator/functional/measured_events.hpp"
#include "simulator/functional/synthetic_weights.hpp"
#include "study/calibration.hpp"
#include "study/data_dir.hpp"
#include "study/token_input.hpp"

namespace neurokv::study {

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

void apply_measured_events(Study& s, const StudyOptions& o, const DiagnosticSink& now) {
  const bool input = !o.ids.empty() || !o.text.empty();
  if (o.threads != 0 && (!input || o.events == "assumed"))
    throw InputError(
        "--threads: nothing is executed without --ids or --text (and measured events), so it "
        "would be ignored; expected no --threads");
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
  const std::optional<functional::StoredWeights>& stored = s.stored_weights;
  s.events = functional::measure_events(s.model, s.variants.front(), s.hw, s.compile, ids, where, stored,
                                        execution_workers(o));
  const functional::MeasuredEvents& measured = *s.events;
  MeasuredExecution execution;
  execution.input = where;
  execution.weights = s.weights_origin;
  if (stored) {
    const weights::ActivationCalibration* scales =
        stored->file.activations ? &*stored->file.activations : nullptr;
    // Read in the report as "with <this> weights".
    execution.weights += fmt::format(" ({}: its codes{})", o.weights_file,
                                     scales ? ", and activation scales calibrated on " + scales->source : "");
    if (!scales) now(unstored_scales_note(stored->file, o.weights_file, "the input itself"));
  }
  execution.tokens = measured.tokens;
  execution.densities = functional::site_densities(measured.sites.all);
  execution.layers = functional::layer_densities(measured.sites);
  execution.loss = measured.quality.quality.loss;
  execution.perplexity = measured.quality.quality.perplexity;
  execution.perplexity_vs_float = measured.quality.perplexity_vs_float;
  execution.top1_agreement = measured.quality.top1_agreement;
  execution.targets = measured.quality.quality.targets;
  s.measured = execution;
  std::string sites;
  for (const auto& [site, count] : measured.sites.all)
    sites += fmt::format(" {} {:.4f}", site, count.density());
  now(Diagnostic::note(
      fmt::format("events measured by integer execution of {} tokens from {} (densities:{}); each op of "
                  "each layer is priced with the events it received",
                  measured.tokens, where, sites)));
}

void use_measured_events(Study& s, EvaluateOptions& options) {
  if (!s.events) return;
  options.measured = s.events->densities(options.prompt);
  const functional::PhasePositions at = s.events->positions(options.prompt);
  s.measured->prefill_begin = at.prefill_begin;
  s.measured->prefill_end = at.prefill_end;
  s.measured->decode_begin = at.decode_begin;
  s.measured->decode_end = at.decode_end;
  // One analytic decode step is priced at the program's context; several, or the transaction fidelity's, at
  // contexts prompt + 1 ... prompt + tokens.
  const bool at_context = options.fidelity == Fidelity::Analytic && options.tokens == 1;
  s.measured->decode_context = at_context ? options.compile.context : options.prompt + options.tokens;
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

std::optional<functional::StoredWeights> read_stored_weights(const StudyOptions& o) {
  if (o.weights_file.empty()) return std::nullopt;
  if (o.events == "assumed") {
    throw InputError(
        "--weights: --events assumed executes nothing, so the .nkw would be ignored; expected --events "
        "measured with --ids or --text, or no --weights");
  }
  if (o.ids.empty() && o.text.empty())
    throw InputError("--weights: nothing is executed without an input, expected --ids or --text");
  return functional::StoredWeights{weights::load_weights_file(o.weights_file), o.weights_file};
}

functional::Workers execution_workers(const StudyOptions& o) {
  return functional::Workers(o.threads == 0 ? static_cast<int>(cores()) : o.threads);
}

Study load_study(const StudyOptions& o, const DiagnosticSink& now) {
  std::optional<functional::StoredWeights> stored =
      read_stored_weights(o);  // first: its error before any note
  ModelSource model = load_model_source(o.model, data_dir("models"));
  HwConfig hw = load_hw(o.hw, data_dir("hwconfigs"));
  for (const Diagnostic& d : model.diagnostics) now(d);
  Study s = make_study(std::move(model), std::move(hw), o);
  s.stored_weights = std::move(stored);
  return s;
}

Study make_study(ModelSource model, HwConfig hw, const StudyOptions& o) {
  Study s{std::move(model), std::move(hw), {}, {}, {}, {}, {}, "the model's", {}};
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

namespace {

// Marks every variant of `report` with how its events were counted: the study's measured execution, if any.
void mark_events(Report& report, const Study& study) {
  for (VariantReport& v : report.variants) v.measured = study.measured;
}

// With several variants, each gets its own trace: "trace.json" becomes "trace.Q-K=V.json".
std::string per_variant(const std::string& path, const std::string& variant, bool several) {
  if (path.empty() || !several) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "." + variant + p.extension().string())).string();
}

// The analytic fidelity simulates no events: a trace, a VCD or a seed would be ignored, so they are refused.
void check_fidelity_options(const RunOptions& options) {
  if (options.fidelity != Fidelity::Analytic) return;
  const auto refuse = [](const char* flag, const char* what) {
    throw InputError(
        fmt::format("{}: --fidelity analytic {}, so {} would be ignored; expected --fidelity transaction "
                    "or no {}",
                    flag, what, flag, flag));
  };
  if (!options.trace_path.empty()) refuse("--trace", "simulates no events to trace");
  if (!options.vcd_path.empty()) refuse("--vcd", "simulates no signals to dump");
  if (options.seed_given) refuse("--seed", "draws no activations");
}

}  // namespace

Report estimate(Study& study, const StudyOptions& options, int64_t prompt, const DiagnosticSink& now) {
  apply_measured_events(study, options, now);
  EvaluateOptions evaluate_options;
  evaluate_options.compile = study.compile;
  evaluate_options.prompt = prompt;
  use_measured_events(study, evaluate_options);
  // The analytic fidelity forks nothing, so its variants run side by side even under AddressSanitizer.
  Report report = evaluate(study.model, study.variants, study.hw, evaluate_options, cores());
  mark_events(report, study);
  return report;
}

namespace {

// One worker per core. One only under AddressSanitizer: GCC 12's ASan does not hold its allocator's lock
// across fork(), so a simulation child forked while another thread allocates can wait on that lock forever
// (the hang scripts/test-sanitized.sh describes).
std::size_t run_workers() {
#if defined(__SANITIZE_ADDRESS__)
  return 1;
#else
  return cores();
#endif
}

}  // namespace

Report run(Study& study, const StudyOptions& options, const RunOptions& run, const DiagnosticSink& now) {
  check_fidelity_options(run);
  apply_measured_events(study, options, now);
  EvaluateOptions evaluate_options;
  evaluate_options.compile = study.compile;
  evaluate_options.fidelity = run.fidelity;
  evaluate_options.tokens = run.tokens;
  evaluate_options.decode_only = run.decode_only;
  evaluate_options.seed = run.seed;
  const int64_t context = study.compile.context;
  // evaluate() checks that prompt + tokens fit the context.
  evaluate_options.prompt = run.prompt >= 0 ? run.prompt : context - run.tokens;
  use_measured_events(study, evaluate_options);
  // The variants are independent (each transaction-level simulation runs in a child process of its own), so
  // they run side by side, one per core; the report lists them in order and fails with the first failing
  // variant's error, as one after the other would (no variant is started after a failure).
  //
  // Every variant is compiled before the first child is forked, and what its report needs beside the
  // simulation found (unsimulated_report): a fork write-protects all of the parent's memory, so a compile
  // beside a running child faulted on every page it wrote (copying those the child still shared, and
  // flushing the other core's TLB); done first, the parent writes little while children run. The programs
  // are freed once every child has ended, for the same reason.
  const std::size_t count = study.variants.size();
  const std::size_t workers = std::min(run_workers(), count);
  const bool simulated = run.fidelity != Fidelity::Analytic;
  std::vector<std::optional<CompileResult>> compiled(count);
  std::vector<std::optional<VariantReport>> unsimulated(count);
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  side_by_side(workers, [&] {
    for (std::size_t i; (i = next++) < count;) {
      try {
        compiled[i] = compile(study.model, study.variants[i], study.hw, evaluate_options.compile);
        if (simulated) unsimulated[i] = unsimulated_report(compiled[i]->program, study.hw);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  });
  // A variant that does not compile fails where it stands in the order: those after it are not run.
  const auto first_error =
      std::find_if(errors.begin(), errors.end(), [](const std::exception_ptr& e) { return e != nullptr; });
  const auto runnable = static_cast<std::size_t>(first_error - errors.begin());
  std::vector<Report> reports(count);
  std::atomic<bool> failed{false};
  next = 0;
  const auto work = [&] {
    for (std::size_t i; !failed && (i = next++) < runnable;) {
      const LayerVariants& variant = study.variants[i];
      EvaluateOptions options = evaluate_options;
      options.trace_path = per_variant(run.trace_path, variant.name(), count > 1);
      options.vcd_path = per_variant(run.vcd_path, variant.name(), count > 1);
      try {
        const ir::Program& program = compiled[i]->program;
        reports[i] = report_for(program, study.hw, options);
        reports[i].variants.push_back(
            simulated ? evaluate_simulated(program, std::move(*unsimulated[i]), study.hw, options)
                      : evaluate_program(program, study.hw, options));
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  side_by_side(std::min(workers, runnable), work);
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  Report report = joined(std::move(reports));
  mark_events(report, study);
  return report;
}

}  // namespace neurokv::study

#pragma once
// A study: a model, a chip, the variants to compare and how precisely, loaded and validated from the options
// the CLI's flags and the Python API's arguments both fill; and the reports made from it (estimate, run).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/config/layer_variants.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/support/diagnostic.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/functional/measured_events.hpp"

namespace neurokv::study {

// Where a diagnostic that must reach the user at once goes (the CLI prints it; the Python API collects it).
using DiagnosticSink = std::function<void(const Diagnostic&)>;

// What is asked: the CLI's flags of the same names (docs/user-guide.md).
struct StudyOptions {
  std::string model = "paper-300m";      // --model: a path or a name in models/
  std::string hw = "akida2-like";        // --hw: a path or a name in hwconfigs/
  std::string variants;                  // --variant; empty when not given
  std::string default_variants = "all";  // a YAML model's variants when --variant is not given
  int64_t context = 2048;
  int weight_bits = 0;
  int act_bits = 0;
  int kv_bits = 0;
  bool no_fuse_kv = false;
  // Measured events (estimate, run): the input to execute and whether to use it.
  std::string ids, text;
  std::string events = "auto";  // auto: measured when the model has weights and an input is given
  int64_t synthetic_seed = -1;  // --synthetic-weights SEED; -1: not given
  std::string weights_file;     // --weights: the program's .nkw (codes, stored scales); "": quantise now
  int threads = 0;              // --threads: what an execution splits its ops over; 0: the machine's cores
};

// What the options name, loaded and validated.
struct Study {
  ModelSource model;
  HwConfig hw;
  std::vector<LayerVariants> variants;  // each compiled on its own; an imported model: its own, maybe mixed
  CompileOptions compile;
  // How the options were read (a variant's spelling, "all"), and a context past the learned positions. Given
  // to the user once the command has succeeded, so an error is never preceded by them.
  Diagnostics notes;
  // Set by apply_measured_events: the execution whose counts replace the assumed densities, and
  // use_measured_events' report of it.
  std::optional<functional::MeasuredEvents> events;
  std::optional<MeasuredExecution> measured;
  std::string weights_origin;  // "the model's" or "synthetic (GPT-2 initialisation, seed N)"
  std::optional<functional::StoredWeights> stored_weights;  // --weights: read_stored_weights
};

// --weights (estimate, run): the .nkw read, or nothing without the flag. Throws InputError where nothing is
// executed (--events assumed, no input), so the file would be ignored.
std::optional<functional::StoredWeights> read_stored_weights(const StudyOptions& options);

// The threads --threads names (`options.threads`), the machine's cores when it is 0. Throws InputError for a
// negative count or one above functional::kMaxThreads.
functional::Workers execution_workers(const StudyOptions& options);

// Loads the model and chip the options name (the model's own diagnostics go to `now`), then make_study.
Study load_study(const StudyOptions& options, const DiagnosticSink& now);
// A study of a model and chip already loaded; its stored_weights are the caller's (read_stored_weights).
Study make_study(ModelSource model, HwConfig hw, const StudyOptions& options);

// Measured events (docs/executor.md): executes the model on the input in integer numerics and keeps what
// every op received at every position, giving `now` a note that says so. Does nothing for `events = assumed`
// or, with `auto`, without an input.
void apply_measured_events(Study& study, const StudyOptions& options, const DiagnosticSink& now);
// With measured events, puts each op's measured density for the prefill and the decode tokens of
// `options.prompt` into `options` (in place of the assumed ones) and records the execution in
// `study.measured`. Call it once the prompt, tokens and fidelity of `options` are set.
void use_measured_events(Study& study, EvaluateOptions& options);
// --synthetic-weights: gives a model without weights GPT-2-initialised ones for its one variant
// (simulator/functional/synthetic_weights.hpp). Throws InputError for a model with weights of its own or
// several variants.
void give_synthetic_weights(Study& study, const StudyOptions& options);

// `neurokv estimate`: each variant costed by the analytic estimator at one decode step (and a prefill of
// `prompt` tokens when not 0), events measured when the options give an input.
Report estimate(Study& study, const StudyOptions& options, int64_t prompt, const DiagnosticSink& now);

struct RunOptions {
  Fidelity fidelity = Fidelity::Transaction;
  int64_t prompt = -1;  // -1: context − tokens, so the last decode token sees the full context
  int64_t tokens = 1;
  bool decode_only = false;  // the prompt's KV rows taken as written: its prefill is not run (--decode-only)
  uint64_t seed = 1;
  bool seed_given = false;  // the analytic fidelity refuses a seed it would ignore
  std::string trace_path;   // with several variants, "t.json" becomes "t.VARIANT.json"
  std::string vcd_path;
};

// `neurokv run`: each variant compiled and simulated (prefill, then decode), events measured when the options
// give an input.
Report run(Study& study, const StudyOptions& options, const RunOptions& run, const DiagnosticSink& now);

}  // namespace neurokv::study

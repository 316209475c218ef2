#pragma once
// The flags estimate, run and compile share: which model, which chip, which variants, which precision.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/config/layer_variants.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/support/diagnostic.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/functional/measured_events.hpp"

namespace neurokv::cli {

struct StudyOptions {
  std::string model = "paper-300m";
  std::string hw = "akida2-like";
  std::string variants;                  // --variant; empty when not given
  std::string default_variants = "all";  // a YAML model's variants when --variant is not given
  int64_t context = 2048;
  int weight_bits = 0;
  int act_bits = 0;
  int kv_bits = 0;
  bool no_fuse_kv = false;
  std::string json_path;
  std::string csv_path;
  // Measured events (estimate, run): the input to execute and whether to use it.
  std::string ids, text;
  std::string events = "auto";  // auto: measured when the model has weights and an input is given
  int64_t synthetic_seed = -1;  // --synthetic-weights SEED; -1: not given
};

// Model, chip, variants, context and precision flags.
void add_study_options(CLI::App& command, StudyOptions& options);
// --json and --csv for a report.
void add_report_options(CLI::App& command, StudyOptions& options);

// --ids, --text, --events and --synthetic-weights: measured events in place of the assumed densities.
void add_event_options(CLI::App& command, StudyOptions& options);
// --synthetic-weights SEED: weights for a model that has none (exec and the event options).
void add_synthetic_weights_option(CLI::App& command, StudyOptions& options);

// What the flags name, loaded and validated.
struct Study {
  ModelSource model;
  HwConfig hw;
  std::vector<LayerVariants> variants;  // each compiled on its own; an imported model: its own, maybe mixed
  CompileOptions compile;
  // How the flags were read (a variant's spelling, "all"), and a context past the learned positions. Printed
  // on stderr once the command has succeeded, so an error is never preceded by them.
  Diagnostics notes;
  // Set by apply_measured_events: the execution whose counts replace the assumed densities, and
  // use_measured_events' report of it.
  std::optional<functional::MeasuredEvents> events;
  std::optional<MeasuredExecution> measured;
  std::string weights_origin;  // "the model's" or "synthetic (GPT-2 initialisation, seed N)"
};
Study load_study(const StudyOptions& options);
// Measured events (docs/executor.md): executes the model on the input in integer numerics and keeps what
// every op received at every position, saying so on stderr. Does nothing for `--events assumed` or, with
// `auto`, without an input.
void apply_measured_events(Study& study, const StudyOptions& options);
// With measured events, puts each op's measured density for the prefill and the decode tokens of
// `options.prompt` into `options` (in place of the assumed ones) and records the execution in
// `study.measured`. Call it once the prompt, tokens and fidelity of `options` are set.
void use_measured_events(Study& study, EvaluateOptions& options);
// --synthetic-weights: gives a model without weights GPT-2-initialised ones for its one variant
// (simulator/functional/synthetic_weights.hpp). Throws InputError for a model with weights of its own or
// several variants.
void give_synthetic_weights(Study& study, const StudyOptions& options);
// Marks every variant of `report` with how its events were counted: the study's measured execution, if any.
void mark_events(Report& report, const Study& study);

// Refuses --json - with --csv -: two reports on one stdout cannot be told apart.
void check_report_outputs(const StudyOptions& options);

// Prints the report as a table on stdout unless JSON goes there, and writes --json / --csv.
void emit_report(const Report& report, const StudyOptions& options);

}  // namespace neurokv::cli

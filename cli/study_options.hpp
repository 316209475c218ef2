#pragma once
// The flags estimate, run, compile and exec share: which model, which chip, which variants, which precision
// (study/study.hpp holds what they mean), and where a report goes.
#include <CLI/CLI.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

#include "simulator/report.hpp"
#include "study/study.hpp"

namespace neurokv::cli {

// --json and --csv.
struct ReportPaths {
  std::string json_path;
  std::string csv_path;
};

// Model, chip, variants, context and precision flags.
void add_study_options(CLI::App& command, study::StudyOptions& options);
// --json and --csv for a report.
void add_report_options(CLI::App& command, ReportPaths& paths);

// --ids, --text, --events and --synthetic-weights: measured events in place of the assumed densities.
void add_event_options(CLI::App& command, study::StudyOptions& options);
// --synthetic-weights SEED: weights for a model that has none (exec and the event options).
void add_synthetic_weights_option(CLI::App& command, study::StudyOptions& options);
// --threads N: the threads an execution splits its ops over (exec and the event options).
void add_threads_option(CLI::App& command, study::StudyOptions& options);

// A CNN model (network: cnn) has its own widths and no variant, context or tokens: the transformer flags
// given to `command` are refused, not ignored (InputError naming `model`, the flag and `expected`, the flags
// that do apply); the flags in `allowed` apply to a CNN too (estimate's measured events) and pass.
void refuse_transformer_flags(const CLI::App& command, const std::string& model, const char* expected,
                              std::initializer_list<std::string_view> allowed = {});

// A transformer has no mapping mode and no frames: --map-mode and --frames given to `command` are refused
// (InputError naming `model` and the flag).
void refuse_cnn_flags(const CLI::App& command, const std::string& model);

// Refuses --json - with --csv -: two reports on one stdout cannot be told apart.
void check_report_outputs(const ReportPaths& paths);
// Checks the report outputs, then loads the study, printing the model's diagnostics at once.
study::Study load_study(const study::StudyOptions& options, const ReportPaths& paths);

// Prints the report as a table on stdout unless JSON goes there, and writes --json / --csv.
void emit_report(const Report& report, const ReportPaths& paths);

}  // namespace neurokv::cli

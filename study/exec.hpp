#pragma once
// `neurokv exec`: a model's compiled program run on token ids with its real (or synthetic) weights, in the
// chip's integer widths or fp32: logits, loss, perplexity, agreement with float, measured densities.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "simulator/functional/quality.hpp"
#include "study/study.hpp"

namespace neurokv::study {

struct ExecOptions {
  StudyOptions study;            // model, chip, variant, precision, --synthetic-weights (not ids/text: below)
  std::string ids;               // --ids: a list '1,2,3' or a file holding one
  std::string text;              // --text: a file, each byte a token
  std::string numerics = "int";  // int | float
  std::string calibration;       // int: the input that calibrates the activation scales; "": the input
  std::string weights_file;      // int: the program's .nkw (codes, stored scales); "": quantise now
  bool windows = false;          // an input longer than the context runs as consecutive windows
};

struct Execution {
  nlohmann::json report;                   // schema neurokv.exec/1: what `neurokv exec --json` writes
  std::vector<functional::Logits> logits;  // per window, [position][vocab], in the numerics asked
  // What the terminal summary names besides the report.
  std::string chip;
  std::string input;  // where the ids came from: a flag or a file
  int weight_bits = 0, act_bits = 0, kv_bits = 0;
  int vocab = 0;
  double float_perplexity = 0;                  // with a loss: the fp32 reference's
  std::vector<LayerDensities> layer_densities;  // the report's "layer_densities", for the table
};

// Throws InputError for a missing or bad input, a model without weights, several variants, a calibration
// or a weights file with float numerics, a weights file that is not the program's or is damaged, or a
// calibration beside stored scales. The model's diagnostics go to `now`.
Execution execute(const ExecOptions& options, const DiagnosticSink& now);

}  // namespace neurokv::study

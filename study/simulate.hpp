#pragma once
// `neurokv simulate`: a compiled program (.nkir) run on the chip it records, or another one.
#include <string>

#include "compiler/ir/program.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "study/study.hpp"

namespace neurokv::study {

struct Simulation {
  Report report;
  Diagnostics notes;  // for once the report is out: a context past the model's learned positions
};

// Runs `program` (read from `program_path`, which messages name) on the chip `hw` names, or on the chip it
// records when `hw` is empty (study/program_chip.hpp).
Simulation simulate(const ir::Program& program, const std::string& program_path, const std::string& hw,
                    const EvaluateOptions& options, const DiagnosticSink& now);

}  // namespace neurokv::study

#pragma once
// Which chip a compiled program (.nkir) runs on: the one given with --hw, or by default the one it records
// (docs/ir.md, "The chip record"): the file it was compiled from when that file is still there, else the
// shipped chip of the same name.
#include <optional>
#include <string>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "study/study.hpp"

namespace neurokv::study {

// The recorded chip, or nullopt when neither its file nor a shipped chip of its name exists. Gives `now` a
// warning when the file found differs from the one the program was compiled for.
std::optional<HwConfig> recorded_chip(const ir::Program& program, const DiagnosticSink& now);

// The chip to run `program` on: `hw_flag` when given, else the recorded chip (an InputError naming the --hw
// to pass when it cannot be found). Checks the program against it; on a mismatch the error lists the first
// problems, one per line, and the --hw that names the chip the program was compiled for.
HwConfig chip_for_program(const ir::Program& program, const std::string& program_path,
                          const std::string& hw_flag, const DiagnosticSink& now);

// The check of `program` against `hw`, with the same hint on a mismatch.
void check_against_chip(const ir::Program& program, const std::string& program_path, const HwConfig& hw);

}  // namespace neurokv::study

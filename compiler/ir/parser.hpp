#pragma once
// Reads .nkir text (docs/ir.md) into a Program. Every error is an InputError "file:line:col: what is wrong,
// expected what". The parser checks the syntax, the line order, that ids are dense and that every reference
// names something defined; whether the program is sound for its chip is the verifier's job.
#include <string>

#include "compiler/ir/program.hpp"

namespace neurokv::ir {

Program parse_program(const std::string& text, const std::string& file);
Program load_program(const std::string& path);

}  // namespace neurokv::ir

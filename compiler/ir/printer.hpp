#pragma once
// Writes a Program as .nkir text (docs/ir.md). The output is canonical: parsing it and printing again gives
// the same bytes.
#include <string>

#include "compiler/ir/program.hpp"

namespace neurokv::ir {

std::string print_program(const Program& program);

}  // namespace neurokv::ir

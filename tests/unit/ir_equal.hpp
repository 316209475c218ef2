#pragma once
// Field-by-field equality of two Event IR programs, for tests (program.hpp defines no operator==).
#include "compiler/ir/program.hpp"

namespace neurokv::test {

bool same_program(const ir::Program& a, const ir::Program& b);

}  // namespace neurokv::test

#pragma once
// Prints a frontend's diagnostics on stderr, each as "note: ..." or "warning: ...".
#include <vector>

#include "compiler/support/diagnostic.hpp"

namespace neurokv::cli {

void print_diagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace neurokv::cli

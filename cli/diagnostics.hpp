#pragma once
// The one place the tool's notes and warnings reach the user: on stderr, one line each,
// "neurokv: note: ..." or "neurokv: warning: ..." (errors are cli/main.cpp's "neurokv: error: ...").
#include "compiler/support/diagnostic.hpp"

namespace neurokv::cli {

void print_diagnostics(const Diagnostics& diagnostics);
void print_diagnostic(const Diagnostic& diagnostic);

}  // namespace neurokv::cli

#include "cli/diagnostics.hpp"

#include <fmt/format.h>

#include "cli/message.hpp"

namespace neurokv::cli {

void print_diagnostics(const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics) print_diagnostic(d);
}

void print_diagnostic(const Diagnostic& diagnostic) {
  // A message may echo names from the input (an ONNX node's): made printable like an error's.
  fmt::print(stderr, "neurokv: {}: {}\n", to_string(diagnostic.severity), printable_line(diagnostic.message));
}

}  // namespace neurokv::cli

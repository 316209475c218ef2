#include "cli/diagnostics.hpp"

#include <fmt/format.h>

namespace neurokv::cli {

void print_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) fmt::print(stderr, "{}: {}\n", to_string(d.severity), d.message);
}

}  // namespace neurokv::cli

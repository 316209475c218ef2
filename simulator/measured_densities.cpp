#include "simulator/measured_densities.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv {

void set_densities(ir::Program& program, const std::vector<double>& densities) {
  if (densities.size() != program.ops.size()) {
    throw RunError(fmt::format("measured densities for {} ops, the program has {}", densities.size(),
                               program.ops.size()));
  }
  for (ir::Op& op : program.ops) {
    const double density = densities[static_cast<std::size_t>(op.id)];
    if (!(density >= 0 && density <= 1))
      throw RunError(fmt::format("op {}: measured density {}, expected 0 to 1", op.name, density));
    op.input_density = density;
  }
}

ir::Program with_densities(const ir::Program& program, const std::vector<double>& densities) {
  ir::Program measured = program;
  set_densities(measured, densities);
  return measured;
}

}  // namespace neurokv

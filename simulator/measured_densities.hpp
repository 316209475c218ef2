#pragma once
// Input densities measured by executing a program (docs/executor.md, "Measured events"): one per op and phase
// kind, in place of the op's assumed input_density, so each layer's ops (and the prefill and the decode
// tokens) are priced with the events they received. Both fidelities read them.
#include <vector>

#include "compiler/ir/program.hpp"

namespace neurokv {

struct MeasuredDensities {
  std::vector<double> decode;   // [op id]: the decode tokens' input density of each op
  std::vector<double> prefill;  // [op id]: the prompt's
  bool empty() const { return decode.empty(); }
};

// Sets every op's input_density to `densities[op id]`. Throws RunError unless there is one density per op,
// each from 0 to 1 (densities measured on another program).
void set_densities(ir::Program& program, const std::vector<double>& densities);
// `program` with set_densities applied.
ir::Program with_densities(const ir::Program& program, const std::vector<double>& densities);

}  // namespace neurokv

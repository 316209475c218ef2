#pragma once
#include <cstddef>

namespace neurokv {

// The cores this process may run on (its CPU affinity mask, which taskset, cgroups and Slurm narrow), at
// least one: the default worker count of exec, estimate, run and sweep.
std::size_t cores();

}  // namespace neurokv

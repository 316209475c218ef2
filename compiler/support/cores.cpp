#include "compiler/support/cores.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace neurokv {

std::size_t cores() {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) return std::max(1, CPU_COUNT(&allowed));
  return std::max(1u, std::thread::hardware_concurrency());  // no affinity to read: every core the host has
}

}  // namespace neurokv

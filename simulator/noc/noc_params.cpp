#include "simulator/noc/noc_params.hpp"

#include <fmt/format.h>

#include <cmath>

#include "compiler/support/error.hpp"

namespace neurokv::noc {
namespace {

void check_range(const char* name, int value, int min, int max) {
  if (value < min || value > max)
    throw InputError(fmt::format("{} is {}, expected {} to {}", name, value, min, max));
}

int whole(const HwConfig& hw, const char* key, double value) {
  if (value != std::floor(value) || value < 1 || value > 1 << 20)
    throw InputError(fmt::format("{}: {} is {}, expected a whole number ≥ 1 for the cycle-level NoC", hw.file,
                                 key, value));
  return static_cast<int>(value);
}

}  // namespace

void check(const NocParams& params) {
  check_range("mesh columns", params.cols, 1, 256);
  check_range("mesh rows", params.rows, 1, 256);
  check_range("virtual channels", params.vcs, 1, kMaxVcs);
  check_range("buffer flits", params.buffer_flits, 1, 1 << 16);
  check_range("router pipeline cycles", params.pipeline_cycles, 1, 1 << 10);
  check_range("flit bytes", params.flit_bytes, 1, 1 << 16);
}

NocParams noc_params(const HwConfig& hw) {
  NocParams params;
  params.cols = hw.mesh_cols;
  params.rows = hw.mesh_rows;
  params.vcs = hw.noc.vcs;
  params.buffer_flits = hw.noc.buffer_flits;
  params.pipeline_cycles = whole(hw, "noc.hop_latency_cycles", hw.noc.hop_latency_cycles);
  params.flit_bytes = whole(hw, "noc.link_bytes_per_cycle", hw.noc.link_bytes_per_cycle);
  check(params);
  return params;
}

}  // namespace neurokv::noc

#pragma once
// Synthetic request streams for the DRAM model: what `neurokv dram`, the tests and the benchmark drive it
// with.
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/dram/memory_system.hpp"

namespace neurokv::dram {

enum class Pattern { kSequential, kRandom, kStride };

struct TrafficSpec {
  Pattern pattern = Pattern::kSequential;
  int64_t stride_bytes = 0;  // kStride: distance between consecutive requests
  int64_t requests = 0;
  int64_t bytes = 64;         // per request
  int64_t gap_cycles = 0;     // between issues; 0 hands every request over at cycle 0 (a saturating stream)
  double write_fraction = 0;  // of requests, drawn per request
  uint64_t seed = 1;
};

// Parses "sequential", "random" or "stride:N" (N bytes, > 0) into `spec`; an InputError naming the expected
// forms otherwise.
void parse_pattern(const std::string& text, TrafficSpec& spec);

// The requests of `spec` over a memory of `capacity_bytes`, deterministic for a seed. Random addresses are
// aligned to the request size.
std::vector<Request> make_traffic(const TrafficSpec& spec, uint64_t capacity_bytes);

struct TrafficResult {
  Stats stats;
  double bytes_per_s = 0;       // achieved
  double peak_bytes_per_s = 0;  // the channels' pin rate
  double seconds = 0;           // simulated time, to the last completion
};

TrafficResult run_traffic(const Device& device, const ControllerConfig& config, const TrafficSpec& spec);

}  // namespace neurokv::dram

#include "simulator/dram/traffic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "compiler/support/error.hpp"

namespace neurokv::dram {

void parse_pattern(const std::string& text, TrafficSpec& spec) {
  const std::string stride = "stride:";
  if (text == "sequential") {
    spec.pattern = Pattern::kSequential;
  } else if (text == "random") {
    spec.pattern = Pattern::kRandom;
  } else if (text.rfind(stride, 0) == 0) {
    int64_t bytes = 0;
    const char* first = text.data() + stride.size();
    const char* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(first, last, bytes);
    if (error != std::errc() || end != last || first == last || bytes < 1) {
      throw InputError(
          fmt::format("pattern '{}': the stride is not a positive integer, expected stride:N with N "
                      "bytes, e.g. stride:4096",
                      text));
    }
    spec.pattern = Pattern::kStride;
    spec.stride_bytes = bytes;
  } else {
    throw InputError(
        fmt::format("unknown pattern '{}', expected sequential, random or stride:N (N bytes)", text));
  }
}

std::vector<Request> make_traffic(const TrafficSpec& spec, uint64_t capacity_bytes) {
  if (spec.requests < 1) throw InputError(fmt::format("{} requests, expected at least 1", spec.requests));
  if (spec.bytes < 1) throw InputError(fmt::format("{} bytes per request, expected at least 1", spec.bytes));
  if (spec.gap_cycles < 0)
    throw InputError(fmt::format("gap of {} cycles, expected 0 or more", spec.gap_cycles));
  if (!(spec.write_fraction >= 0 && spec.write_fraction <= 1)) {
    throw InputError(fmt::format("write fraction {}, expected a number in [0, 1]", spec.write_fraction));
  }
  if (capacity_bytes == 0) throw InputError("a memory of 0 bytes, expected a positive capacity");
  std::mt19937_64 random(spec.seed);  // its output sequence is fixed by the standard: runs repeat exactly
  const auto size = static_cast<uint64_t>(spec.bytes);
  const uint64_t slots = std::max<uint64_t>(1, capacity_bytes / size);
  const auto draw_unit = [&random] { return static_cast<double>(random() >> 11) * 0x1.0p-53; };
  std::vector<Request> out;
  out.reserve(static_cast<std::size_t>(spec.requests));
  for (int64_t i = 0; i < spec.requests; ++i) {
    Request r;
    r.bytes = spec.bytes;
    r.issue_cycle = i * spec.gap_cycles;
    const auto n = static_cast<uint64_t>(i);
    switch (spec.pattern) {
      case Pattern::kSequential:
        r.address = (n * size) % capacity_bytes;
        break;
      case Pattern::kStride:
        r.address = (n * static_cast<uint64_t>(spec.stride_bytes)) % capacity_bytes;
        break;
      case Pattern::kRandom:
        r.address = (random() % slots) * size;
        break;
    }
    r.access = spec.write_fraction > 0 && draw_unit() < spec.write_fraction ? Access::kWrite : Access::kRead;
    out.push_back(r);
  }
  return out;
}

TrafficResult run_traffic(const Device& device, const ControllerConfig& config, const TrafficSpec& spec) {
  // Every burst is held at once (the stream is handed over before it is drained): about 100 B each.
  constexpr int64_t kMaxBursts = int64_t{1} << 24;
  const int64_t bursts_per_request = (spec.bytes + device.burst_bytes() - 1) / device.burst_bytes() + 1;
  if (spec.requests > kMaxBursts / std::max<int64_t>(1, bursts_per_request)) {
    throw InputError(fmt::format(
        "{} requests of {} B are up to {} bursts of {} B, expected at most {} in one run", spec.requests,
        spec.bytes, spec.requests * bursts_per_request, device.burst_bytes(), kMaxBursts));
  }
  MemorySystem memory(device, config);
  const uint64_t capacity = static_cast<uint64_t>(device.row_bytes()) * static_cast<uint64_t>(device.banks) *
                            static_cast<uint64_t>(device.rows) * static_cast<uint64_t>(config.channels);
  for (const Request& r : make_traffic(spec, capacity)) memory.submit(r);
  memory.drain();
  TrafficResult result;
  result.stats = memory.stats();
  result.bytes_per_s = achieved_bytes_per_s(result.stats, device);
  result.peak_bytes_per_s = device.peak_bytes_per_s() * config.channels;
  result.seconds = static_cast<double>(result.stats.end_cycle) * device.tck_ps * 1e-12;
  return result;
}

}  // namespace neurokv::dram

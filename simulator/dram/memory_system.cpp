#include "simulator/dram/memory_system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "compiler/support/error.hpp"

namespace neurokv::dram {

MemorySystem::MemorySystem(const Device& device, const ControllerConfig& config)
    : device_(device), mapping_(device, config.channels, config.interleave_bytes) {
  channels_.reserve(static_cast<std::size_t>(config.channels));
  for (int c = 0; c < config.channels; ++c)
    channels_.emplace_back(device, config.queue_depth, config.bypass_cap);
}

int64_t MemorySystem::submit(const Request& request) {
  if (request.bytes < 1)
    throw InputError(fmt::format("DRAM request of {} bytes, expected at least 1", request.bytes));
  if (request.issue_cycle < last_issue_) {
    throw InputError(fmt::format("DRAM request issued at cycle {}, before the previous one (cycle {})",
                                 request.issue_cycle, last_issue_));
  }
  if (request.issue_cycle < simulated_to_) {
    throw InputError(fmt::format("DRAM request issued at cycle {}, before cycle {} already simulated",
                                 request.issue_cycle, simulated_to_));
  }
  if (request.address > std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(request.bytes)) {
    throw InputError(
        fmt::format("DRAM request of {} bytes at address {:#x} runs past the end of the address space",
                    request.bytes, request.address));
  }
  last_issue_ = request.issue_cycle;
  const auto id = static_cast<int64_t>(requests_.size());
  const auto burst = static_cast<uint64_t>(device_.burst_bytes());
  const uint64_t first = request.address / burst;
  const uint64_t last = (request.address + static_cast<uint64_t>(request.bytes) - 1) / burst;
  requests_.push_back({request.issue_cycle, static_cast<int64_t>(last - first + 1), 0});
  for (uint64_t b = first; b <= last; ++b) {
    QueuedBurst q;
    q.request = id;
    q.at = mapping_.locate(b * burst);
    q.access = request.access;
    q.arrival = request.issue_cycle;
    channels_[static_cast<std::size_t>(q.at.channel)].enqueue(q);
  }
  ++totals_.requests;
  return id;
}

void MemorySystem::advance(int64_t cycle) {
  for (Channel& c : channels_) c.advance(cycle);
  simulated_to_ = std::max(simulated_to_, cycle);
  collect();
}

void MemorySystem::drain() {
  for (Channel& c : channels_) {
    c.drain();
    simulated_to_ = std::max(simulated_to_, c.now());
  }
  collect();
}

void MemorySystem::collect() {
  for (Channel& c : channels_) {
    for (const BurstDone& d : c.take_done()) {
      Pending& p = requests_[static_cast<std::size_t>(d.request)];
      p.completion = std::max(p.completion, d.cycle);
      if (--p.bursts_left > 0) continue;
      const Completion done{d.request, p.issue_cycle, p.completion};
      totals_.total_latency += done.latency();
      totals_.max_latency = std::max(totals_.max_latency, done.latency());
      totals_.end_cycle = std::max(totals_.end_cycle, done.completion_cycle);
      completed_.push_back(done);
    }
  }
}

std::vector<Completion> MemorySystem::take_completions() {
  std::vector<Completion> out;
  out.swap(completed_);
  return out;
}

Stats MemorySystem::stats() const {
  Stats s = totals_;
  for (const Channel& c : channels_) {
    const Stats& cs = c.stats();
    s.bursts += cs.bursts;
    s.row_hits += cs.row_hits;
    s.row_misses += cs.row_misses;
    s.row_conflicts += cs.row_conflicts;
    for (std::size_t k = 0; k < s.commands.size(); ++k) s.commands[k] += cs.commands[k];
    s.bytes_read += cs.bytes_read;
    s.bytes_written += cs.bytes_written;
    s.busy_cycles += cs.busy_cycles;
    s.max_bypassed = std::max(s.max_bypassed, cs.max_bypassed);
  }
  return s;
}

double achieved_bytes_per_s(const Stats& stats, const Device& device) {
  if (stats.end_cycle == 0) return 0.0;
  return static_cast<double>(stats.bytes_read + stats.bytes_written) /
         (static_cast<double>(stats.end_cycle) * device.tck_ps * 1e-12);
}

}  // namespace neurokv::dram

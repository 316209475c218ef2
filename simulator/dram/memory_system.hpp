#pragma once
// The DRAM model's front door: one device type on `channels` independent channels behind one address map.
// A requester submits requests (address, bytes, read/write, issue cycle) in issue order, advances the clock
// and collects completions. Cycles are the device's command clock (Device::clock_hz()); a chip-side model
// converts to and from its own clock.
#include <cstdint>
#include <vector>

#include "simulator/dram/address_mapping.hpp"
#include "simulator/dram/channel.hpp"
#include "simulator/dram/device.hpp"
#include "simulator/dram/request.hpp"
#include "simulator/dram/stats.hpp"

namespace neurokv::dram {

struct ControllerConfig {
  int channels = 1;
  int queue_depth = 32;     // bursts per channel controller (assumed, DRAMSys's default request buffer)
  int64_t bypass_cap = 16;  // FR-FCFS starvation cap (assumed)
  int64_t interleave_bytes = 256;  // channel interleave (assumed)
};

class MemorySystem {
 public:
  MemorySystem(const Device& device, const ControllerConfig& config);

  // Returns the request's id (0, 1, … in submission order). Issue cycles must not decrease, nor fall
  // before a cycle already simulated.
  int64_t submit(const Request& request);
  // Simulates every cycle before `cycle`. Completions of bursts whose column command issued by then are known
  // (their completion cycle may lie after `cycle`).
  void advance(int64_t cycle);
  // Simulates until every submitted request completes.
  void drain();
  // Requests completed since the last call (channel by channel; sort by completion_cycle for time order).
  std::vector<Completion> take_completions();
  // The first cycle not yet simulated: the earliest a new request may be issued.
  int64_t simulated_to() const { return simulated_to_; }
  Stats stats() const;
  const Device& device() const { return device_; }

 private:
  void collect();

  Device device_;
  AddressMapping mapping_;
  std::vector<Channel> channels_;
  struct Pending {
    int64_t issue_cycle = 0;
    int64_t bursts_left = 0;
    int64_t completion = 0;
  };
  std::vector<Pending> requests_;
  std::vector<Completion> completed_;
  int64_t last_issue_ = 0;
  int64_t simulated_to_ = 0;  // no request may be issued before this cycle
  Stats totals_;              // request-level counts; the channels keep the rest
};

// Bandwidth over the run: bytes on the data buses from cycle 0 to the last completion.
double achieved_bytes_per_s(const Stats& stats, const Device& device);

}  // namespace neurokv::dram

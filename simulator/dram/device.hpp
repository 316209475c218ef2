#pragma once
// A DRAM device (one channel of it): organisation, clock, timing and where each figure comes from. The
// catalog (devices()) holds the parts neurokv ships, each cited in docs/dram.md and docs/sources.md.
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/dram/timing.hpp"

namespace neurokv::dram {

struct Device {
  std::string name;           // as a chip file names it: "lpddr4-3200"
  std::string standard;       // "LPDDR4", "LPDDR4X", "LPDDR5"
  std::string source;         // where the timing and organisation were copied from
  double tck_ps = 0;          // command clock period
  int transfers_per_tck = 0;  // data beats per command clock: 2 (DDR) for LPDDR4, 8 for LPDDR5 (WCK 4:1, DDR)
  int width_bits = 0;         // DQ pins of one channel
  int burst_length = 0;       // beats per RD/WR
  int banks = 0;
  int64_t rows = 0;  // per bank
  int columns = 0;   // column addresses per row, each width_bits wide
  Timing timing;

  int64_t burst_cycles() const { return burst_length / transfers_per_tck; }
  int64_t burst_bytes() const { return int64_t{burst_length} * width_bits / 8; }
  int64_t row_bytes() const { return int64_t{columns} * width_bits / 8; }
  int64_t bursts_per_row() const { return columns / burst_length; }
  double clock_hz() const { return 1e12 / tck_ps; }
  // The pin rate: one burst every burst_cycles(), back to back.
  double peak_bytes_per_s() const {
    return static_cast<double>(burst_bytes()) / (static_cast<double>(burst_cycles()) * tck_ps * 1e-12);
  }
};

// The shipped devices, in the order docs/dram.md lists them.
const std::vector<Device>& devices();
std::vector<std::string> device_names();
// The device of that name; an InputError listing the known names (and the nearest one) otherwise.
const Device& find_device(const std::string& name);

}  // namespace neurokv::dram

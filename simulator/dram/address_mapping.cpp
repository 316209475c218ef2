#include "simulator/dram/address_mapping.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv::dram {

AddressMapping::AddressMapping(const Device& device, int channels, int64_t interleave_bytes)
    : burst_bytes_(device.burst_bytes()),
      bursts_per_row_(device.bursts_per_row()),
      banks_(device.banks),
      rows_(device.rows),
      channels_(channels),
      interleave_bytes_(interleave_bytes) {
  if (channels < 1) throw InputError(fmt::format("DRAM channels is {}, expected at least 1", channels));
  if (interleave_bytes < burst_bytes_ || interleave_bytes % burst_bytes_ != 0) {
    throw InputError(
        fmt::format("DRAM channel interleave is {} B, expected a positive multiple of the {} B burst",
                    interleave_bytes, burst_bytes_));
  }
}

Location AddressMapping::locate(uint64_t address) const {
  const auto interleave = static_cast<uint64_t>(interleave_bytes_);
  const auto channels = static_cast<uint64_t>(channels_);
  const uint64_t block = address / interleave;
  Location at;
  at.channel = static_cast<int>(block % channels);
  const uint64_t local = (block / channels) * interleave + address % interleave;
  const uint64_t burst = local / static_cast<uint64_t>(burst_bytes_);
  const auto per_row = static_cast<uint64_t>(bursts_per_row_);
  at.column = static_cast<int64_t>(burst % per_row);
  const uint64_t row_index = burst / per_row;
  at.bank = static_cast<int>(row_index % static_cast<uint64_t>(banks_));
  at.row = static_cast<int64_t>((row_index / static_cast<uint64_t>(banks_)) % static_cast<uint64_t>(rows_));
  return at;
}

}  // namespace neurokv::dram

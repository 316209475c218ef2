#pragma once
// Where a byte address lands: channel, bank, row and burst-aligned column. The layout, from the low bits up:
//   byte in burst | column (bursts of one row) | bank | row            within one channel, and
//   channels interleaved every `interleave_bytes` (a multiple of the burst) of the flat address.
// A sequential stream so fills one row (a page) of one bank, then the same row of the next bank: row hits,
// with the next bank's ACT hidden behind the current bank's bursts. Addresses wrap at the capacity.
#include <cstdint>

#include "simulator/dram/device.hpp"

namespace neurokv::dram {

struct Location {
  int channel = 0;
  int bank = 0;
  int64_t row = 0;
  int64_t column = 0;  // burst index within the row
};

class AddressMapping {
 public:
  AddressMapping(const Device& device, int channels, int64_t interleave_bytes);
  Location locate(uint64_t address) const;
  int channels() const { return channels_; }

 private:
  int64_t burst_bytes_;
  int64_t bursts_per_row_;
  int banks_;
  int64_t rows_;
  int channels_;
  int64_t interleave_bytes_;
};

}  // namespace neurokv::dram

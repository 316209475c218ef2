#pragma once
// A DRAM device's timing parameters, in its own clock cycles (tCK). Each field is the JEDEC name of the
// constraint it models; docs/dram.md says which command pair each one separates.
#include <cstdint>

namespace neurokv::dram {

struct Timing {
  int64_t rcd = 0;     // tRCD: ACT to RD/WR, same bank
  int64_t rp_pb = 0;   // tRPpb: PRE (one bank) to ACT, same bank
  int64_t rp_ab = 0;   // tRPab: PREA (all banks) to ACT or REF
  int64_t rl = 0;      // RL (tCL): RD to the first data beat
  int64_t wl = 0;      // WL (tCWL): WR to the first data beat
  int64_t ras = 0;     // tRAS: ACT to PRE, same bank
  int64_t rc = 0;      // tRC: ACT to ACT, same bank
  int64_t wr = 0;      // tWR: end of write data to PRE, same bank
  int64_t rtp = 0;     // tRTP: RD to PRE, same bank
  int64_t ccd = 0;     // tCCD: RD to RD or WR to WR, any bank
  int64_t rrd = 0;     // tRRD: ACT to ACT, different banks
  int64_t faw = 0;     // tFAW: at most four ACTs in any window this long
  int64_t wtr = 0;     // tWTR: end of write data to RD
  int64_t refi = 0;    // tREFI: average interval between all-bank refreshes
  int64_t rfc_ab = 0;  // tRFCab: REF (all banks) to the next ACT or REF
};

}  // namespace neurokv::dram

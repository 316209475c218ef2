#include "simulator/dram/device.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"
#include "compiler/support/nearest_name.hpp"

namespace neurokv::dram {
namespace {

constexpr const char* kDramSysLpddr4_3200 =
    "JEDEC JESD209-4 LPDDR4-3200 timing and an 8 Gb x16 channel, as transcribed in DRAMSys "
    "(tukl-msd/DRAMSys, configs/memspec/JEDEC_8Gb_LPDDR4-3200_16bit.json)";
constexpr const char* kDramSysLpddr4_4266 =
    "JEDEC JESD209-4 LPDDR4-4266 timing and a 16 Gb x16 channel, as transcribed in DRAMSys "
    "(tukl-msd/DRAMSys, configs/memspec/JEDEC_1Gbx16_LPDDR4-4266.json)";
constexpr const char* kRamulatorLpddr5_6400 =
    "JEDEC JESD209-5 LPDDR5-6400 timing (preset LPDDR5_6400) and a 16 Gb x16 channel (LPDDR5_16Gb_x16; "
    "tRFCab 280 ns, tREFI 3906 ns), as transcribed in Ramulator 2.0 (CMU-SAFARI/ramulator2, "
    "src/dram/impl/LPDDR5.cpp)";

// LPDDR4 at 3200 MT/s: tCK 625 ps, BL16 on x16 = 32 B per 8-cycle burst.
Timing lpddr4_3200_timing() {
  Timing t;
  t.rcd = 29;
  t.rp_pb = 29;
  t.rp_ab = 34;
  t.rl = 28;
  t.wl = 14;
  t.ras = 68;
  t.rc = 97;
  t.wr = 29;
  t.rtp = 12;
  t.ccd = 8;
  t.rrd = 16;
  t.faw = 64;
  t.wtr = 16;
  t.refi = 6246;
  t.rfc_ab = 448;
  return t;
}

Device lpddr4(std::string name, std::string standard, std::string source, double tck_ps, int64_t rows,
              Timing timing) {
  Device d;
  d.name = std::move(name);
  d.standard = std::move(standard);
  d.source = std::move(source);
  d.tck_ps = tck_ps;
  d.transfers_per_tck = 2;
  d.width_bits = 16;
  d.burst_length = 16;
  d.banks = 8;
  d.rows = rows;
  d.columns = 1024;
  d.timing = timing;
  return d;
}

std::vector<Device> catalog() {
  std::vector<Device> out;
  out.push_back(lpddr4("lpddr4-3200", "LPDDR4", kDramSysLpddr4_3200, 625, 65536, lpddr4_3200_timing()));
  // LPDDR4X (JESD209-4-1) lowers VDDQ to 0.6 V; its core timing is taken as LPDDR4's at the same data rate
  // (assumed: no LPDDR4X timing table was found in a public source).
  out.push_back(lpddr4("lpddr4x-3200", "LPDDR4X",
                       std::string(kDramSysLpddr4_3200) + "; LPDDR4X timing assumed equal to LPDDR4's", 625,
                       65536, lpddr4_3200_timing()));
  Timing t4266;
  t4266.rcd = 39;
  t4266.rp_pb = 39;
  t4266.rp_ab = 45;
  t4266.rl = 36;
  t4266.wl = 18;
  t4266.ras = 90;
  t4266.rc = 129;
  t4266.wr = 39;
  t4266.rtp = 17;
  t4266.ccd = 8;
  t4266.rrd = 22;
  t4266.faw = 86;
  t4266.wtr = 22;
  t4266.refi = 8341;
  t4266.rfc_ab = 812;
  out.push_back(lpddr4("lpddr4x-4266", "LPDDR4X",
                       std::string(kDramSysLpddr4_4266) + "; LPDDR4X timing assumed equal to LPDDR4's", 469,
                       131072, t4266));

  // LPDDR5 at 6400 MT/s: CK 800 MHz (tCK 1.25 ns), WCK 3.2 GHz double data rate = 8 beats per tCK, so a BL16
  // burst on x16 (32 B) takes 2 tCK. Bank groups are not modelled: tCCD is Ramulator's single nCCD (4 tCK)
  // between any two CAS commands and tWTR its nWTRL, both the same-bank-group (long) figures.
  Device d;
  d.name = "lpddr5-6400";
  d.standard = "LPDDR5";
  d.source = kRamulatorLpddr5_6400;
  d.tck_ps = 1250;
  d.transfers_per_tck = 8;
  d.width_bits = 16;
  d.burst_length = 16;
  d.banks = 16;
  d.rows = 65536;
  d.columns = 1024;
  d.timing.rcd = 15;
  d.timing.rp_pb = 15;
  d.timing.rp_ab = 17;
  d.timing.rl = 20;
  d.timing.wl = 11;
  d.timing.ras = 34;
  d.timing.rc = 30;  // Ramulator's nRC; below tRAS + tRPpb, so never the binding constraint here
  d.timing.wr = 28;
  d.timing.rtp = 4;
  d.timing.ccd = 4;
  d.timing.rrd = 4;
  d.timing.faw = 16;
  d.timing.wtr = 10;
  d.timing.refi = 3124;   // 3906 ns / 1.25 ns, rounded down (refreshing early never breaks retention)
  d.timing.rfc_ab = 224;  // 280 ns / 1.25 ns
  out.push_back(d);
  return out;
}

}  // namespace

const std::vector<Device>& devices() {
  static const std::vector<Device> all = catalog();
  return all;
}

std::vector<std::string> device_names() {
  std::vector<std::string> names;
  for (const Device& d : devices()) names.push_back(d.name);
  return names;
}

const Device& find_device(const std::string& name) {
  for (const Device& d : devices()) {
    if (d.name == name) return d;
  }
  throw InputError(fmt::format("unknown DRAM device '{}'{}, expected one of: {}", name,
                               did_you_mean(name, device_names()), fmt::join(device_names(), ", ")));
}

}  // namespace neurokv::dram

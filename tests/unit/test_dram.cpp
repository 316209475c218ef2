// The DRAM command model (simulator/dram/, docs/dram.md): single-request latencies equal the datasheet sums,
// FR-FCFS order and its starvation cap, refresh, determinism, and sequential/random bandwidth against the
// hand-worked bounds of docs/validation.md.
#include <algorithm>
#include <catch2/catch.hpp>

#include "compiler/support/error.hpp"
#include "simulator/dram/device.hpp"
#include "simulator/dram/memory_system.hpp"
#include "simulator/dram/traffic.hpp"

namespace neurokv::dram {
namespace {

// The first byte of `row` in `bank` of a one-channel system (row-bank-column mapping).
uint64_t address_of(const Device& d, int64_t row, int bank, int64_t column = 0) {
  return static_cast<uint64_t>((row * d.banks + bank) * d.row_bytes() + column * d.burst_bytes());
}

Request read_at(uint64_t address, int64_t cycle, int64_t bytes = 32) {
  return Request{address, bytes, Access::kRead, cycle};
}

// Submits one request, runs to its completion and returns its latency.
int64_t latency_of(MemorySystem& memory, const Request& r) {
  memory.submit(r);
  memory.drain();
  const std::vector<Completion> done = memory.take_completions();
  REQUIRE(done.size() == 1);
  return done[0].latency();
}

std::vector<Completion> run_all(MemorySystem& memory, const std::vector<Request>& requests) {
  for (const Request& r : requests) memory.submit(r);
  memory.drain();
  std::vector<Completion> done = memory.take_completions();
  std::sort(done.begin(), done.end(), [](const Completion& a, const Completion& b) { return a.id < b.id; });
  return done;
}

}  // namespace

TEST_CASE("DRAM devices: LPDDR4-3200 carries the DRAMSys JEDEC figures and its pin rate", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  CHECK(d.timing.rcd == 29);
  CHECK(d.timing.rp_pb == 29);
  CHECK(d.timing.rl == 28);
  CHECK(d.timing.rfc_ab == 448);
  CHECK(d.timing.refi == 6246);
  CHECK(d.burst_bytes() == 32);
  CHECK(d.burst_cycles() == 8);
  CHECK(d.row_bytes() == 2048);
  CHECK(d.peak_bytes_per_s() == Approx(6.4e9));
  CHECK(find_device("lpddr5-6400").peak_bytes_per_s() == Approx(12.8e9));
  CHECK(find_device("lpddr4x-4266").peak_bytes_per_s() == Approx(4.0 / 469e-12));
  CHECK_THROWS_WITH(find_device("lpddr4-3300"),
                    Catch::Contains("unknown DRAM device 'lpddr4-3300'") && Catch::Contains("lpddr4-3200"));
}

TEST_CASE("DRAM: a closed bank costs tRCD + RL + burst, a hit RL + burst, a conflict tRP + tRCD + RL + burst",
          "[dram]") {
  for (const Device& d : devices()) {
    INFO(d.name);
    const Timing& t = d.timing;
    MemorySystem memory(d, ControllerConfig{});
    CHECK(latency_of(memory, read_at(address_of(d, 0, 0), 0)) == t.rcd + t.rl + d.burst_cycles());
    CHECK(latency_of(memory, read_at(address_of(d, 0, 0, 1), 1000)) == t.rl + d.burst_cycles());
    CHECK(latency_of(memory, read_at(address_of(d, 1, 0), 2000)) ==
          t.rp_pb + t.rcd + t.rl + d.burst_cycles());
    // A write's data is accepted WL after its command.
    CHECK(latency_of(memory, Request{address_of(d, 0, 1), 32, Access::kWrite, 3000}) ==
          t.rcd + t.wl + d.burst_cycles());
    const Stats s = memory.stats();
    CHECK(s.row_misses == 2);
    CHECK(s.row_hits == 1);
    CHECK(s.row_conflicts == 1);
    CHECK(s.count(Command::kActivate) == 3);
    CHECK(s.count(Command::kPrecharge) == 1);
    CHECK(s.count(Command::kRead) == 3);
    CHECK(s.count(Command::kWrite) == 1);
    CHECK(s.bytes_read == 3 * d.burst_bytes());
    CHECK(s.bytes_written == d.burst_bytes());
  }
}

TEST_CASE("DRAM: a request of several bursts completes with its last burst, tCCD apart", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  MemorySystem memory(d, ControllerConfig{});
  // 128 B = 4 bursts of one row: ACT, then RD every tCCD (8 = the burst), the last one's data ends the
  // request.
  CHECK(latency_of(memory, read_at(0, 0, 128)) ==
        d.timing.rcd + 3 * d.timing.ccd + d.timing.rl + d.burst_cycles());
  CHECK(memory.stats().bursts == 4);
  CHECK(memory.stats().busy_cycles == 4 * d.burst_cycles());
}

TEST_CASE("DRAM: closed loop: a request submitted when an earlier one completes sees the row it left open",
          "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  const Timing& t = d.timing;
  MemorySystem memory(d, ControllerConfig{});
  memory.submit(read_at(0, 0));
  memory.advance(40);  // the RD issued at tRCD = 29; its data ends later, at 65
  std::vector<Completion> done = memory.take_completions();
  REQUIRE(done.size() == 1);
  CHECK(done[0].completion_cycle == t.rcd + t.rl + d.burst_cycles());
  CHECK_THROWS_AS(memory.submit(read_at(32, 39)), InputError);  // before the cycle already simulated
  memory.submit(read_at(32, done[0].completion_cycle));
  memory.advance(1000);
  done = memory.take_completions();
  REQUIRE(done.size() == 1);
  CHECK(done[0].latency() == t.rl + d.burst_cycles());
  CHECK(memory.stats().row_hits == 1);
}

TEST_CASE("DRAM: FR-FCFS serves a younger row hit before an older row conflict", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  const Timing& t = d.timing;
  MemorySystem memory(d, ControllerConfig{});
  run_all(memory, {read_at(address_of(d, 0, 0), 0)});  // opens row 0 of bank 0
  const std::vector<Completion> done =
      run_all(memory, {read_at(address_of(d, 1, 0), 1000), read_at(address_of(d, 0, 0, 1), 1000)});
  REQUIRE(done.size() == 2);
  // The hit goes at once; the conflict's PRE waits tRTP after the hit's RD.
  CHECK(done[1].completion_cycle == 1000 + t.rl + d.burst_cycles());
  CHECK(done[0].completion_cycle == 1000 + t.rtp + t.rp_pb + t.rcd + t.rl + d.burst_cycles());
}

TEST_CASE("DRAM: the starvation cap bounds the row hits served ahead of a waiting conflict", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  for (const int64_t cap : {int64_t{0}, int64_t{4}, int64_t{1000}}) {
    INFO("cap " << cap);
    ControllerConfig config;
    config.bypass_cap = cap;
    MemorySystem memory(d, config);
    run_all(memory, {read_at(address_of(d, 0, 0), 0)});
    std::vector<Request> burst{read_at(address_of(d, 1, 0), 1000)};  // waits for row 1
    for (int64_t column = 1; column <= 20; ++column)
      burst.push_back(read_at(address_of(d, 0, 0, column), 1000));
    const std::vector<Completion> done = run_all(memory, burst);
    const auto hits_ahead = std::count_if(done.begin() + 1, done.end(), [&](const Completion& c) {
      return c.completion_cycle < done[0].completion_cycle;
    });
    CHECK(hits_ahead == std::min<int64_t>(cap, 20));
  }
}

TEST_CASE("DRAM: under random reads and writes no burst is passed over more than the cap", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  TrafficSpec spec;
  spec.pattern = Pattern::kRandom;
  spec.requests = 20000;
  spec.bytes = 32;
  spec.write_fraction = 0.3;
  // A 64 KiB region: 4 rows of each of the 8 banks, so many queued bursts hit the open row of a bank while
  // others wait there for another row.
  const uint64_t region = uint64_t{1} << 16;
  const auto most_passed_over = [&](int64_t cap) {
    ControllerConfig config;
    config.bypass_cap = cap;
    MemorySystem memory(d, config);
    run_all(memory, make_traffic(spec, region));
    return memory.stats().max_bypassed;
  };
  const int64_t uncapped = most_passed_over(1000);
  CHECK(uncapped > 8);              // without the cap some burst waits behind more than 8 hits
  CHECK(most_passed_over(8) == 8);  // reached, never passed
  CHECK(most_passed_over(2) == 2);
}

TEST_CASE("DRAM: an all-bank refresh every tREFI shuts the banks for tRFCab", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  const Timing& t = d.timing;
  const int64_t access = t.rcd + t.rl + d.burst_cycles();
  SECTION("banks closed when it falls due: REF at once") {
    MemorySystem memory(d, ControllerConfig{});
    CHECK(latency_of(memory, read_at(0, t.refi)) == t.rfc_ab + access);
  }
  SECTION("a row open: PREA, tRPab, then REF") {
    MemorySystem memory(d, ControllerConfig{});
    run_all(memory, {read_at(0, 0)});
    CHECK(latency_of(memory, read_at(0, t.refi)) == t.rp_ab + t.rfc_ab + access);
  }
  SECTION("one REF per tREFI, idle or not") {
    MemorySystem memory(d, ControllerConfig{});
    memory.advance(10 * t.refi + 1);
    CHECK(memory.stats().count(Command::kRefresh) == 10);
    // Just after the tenth REF, a read waits out the rest of its tRFCab.
    CHECK(latency_of(memory, read_at(0, 10 * t.refi + 100)) == t.rfc_ab - 100 + access);
  }
}

TEST_CASE("DRAM: runs repeat exactly for a seed", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  TrafficSpec spec;
  spec.pattern = Pattern::kRandom;
  spec.requests = 2000;
  spec.write_fraction = 0.3;
  ControllerConfig config;
  config.channels = 2;
  const uint64_t capacity = uint64_t{1} << 31;
  MemorySystem a(d, config);
  MemorySystem b(d, config);
  const std::vector<Completion> first = run_all(a, make_traffic(spec, capacity));
  const std::vector<Completion> second = run_all(b, make_traffic(spec, capacity));
  REQUIRE(first.size() == second.size());
  for (std::size_t i = 0; i < first.size(); ++i)
    CHECK(first[i].completion_cycle == second[i].completion_cycle);
  CHECK(a.stats().row_conflicts == b.stats().row_conflicts);
  spec.seed = 2;
  MemorySystem c(d, config);
  const std::vector<Completion> other = run_all(c, make_traffic(spec, capacity));
  CHECK(other.back().completion_cycle != first.back().completion_cycle);
}

TEST_CASE("DRAM: sequential reads reach the pin rate less the refresh gap", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  const Timing& t = d.timing;
  TrafficSpec spec;
  spec.requests = 40000;  // 2.56 MB, about 64 refresh intervals
  spec.bytes = 64;
  const TrafficResult r = run_traffic(d, ControllerConfig{}, spec);
  // docs/validation.md: per tREFI the bus idles from the last burst before the refresh to the first after it,
  // RD + tRTP -> PREA + tRPab -> REF + tRFCab -> ACT + tRCD -> RD + RL, less the burst in flight.
  const int64_t refresh_gap = t.rtp + t.rp_ab + t.rfc_ab + t.rcd + t.rl - (t.rl + d.burst_cycles());
  const double bound = 1.0 - static_cast<double>(refresh_gap) / static_cast<double>(t.refi);
  const double fraction = r.bytes_per_s / r.peak_bytes_per_s;
  CHECK(fraction <= bound);
  CHECK(fraction >= bound - 0.01);
  CHECK(r.stats.row_hit_rate() > 0.97);  // one ACT per 2 KiB row of 64 bursts, plus one after each refresh
}

TEST_CASE("DRAM: random reads are held to the activate-rate bound", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  const Timing& t = d.timing;
  TrafficSpec spec;
  spec.pattern = Pattern::kRandom;
  spec.requests = 20000;
  spec.bytes = 32;
  const TrafficResult r = run_traffic(d, ControllerConfig{}, spec);
  // Every burst needs its own ACT; ACTs are at least max(tRRD, tFAW / 4, tRC / banks) apart.
  const double act_spacing =
      std::max({static_cast<double>(t.rrd), t.faw / 4.0, static_cast<double>(t.rc) / d.banks});
  const double bound = static_cast<double>(d.burst_cycles()) / act_spacing;
  const double fraction = r.bytes_per_s / r.peak_bytes_per_s;
  CHECK(bound == Approx(0.5));
  CHECK(fraction <= bound);
  CHECK(fraction >= 0.8 * bound);
  CHECK(r.stats.row_hit_rate() < 0.01);
}

TEST_CASE("DRAM: bad requests and settings are refused", "[dram]") {
  const Device& d = find_device("lpddr4-3200");
  MemorySystem memory(d, ControllerConfig{});
  memory.submit(read_at(0, 100));
  CHECK_THROWS_AS(memory.submit(read_at(0, 99)), InputError);
  CHECK_THROWS_AS(memory.submit(read_at(0, 100, 0)), InputError);
  ControllerConfig bad;
  bad.interleave_bytes = 48;
  CHECK_THROWS_WITH(MemorySystem(d, bad), Catch::Contains("multiple of the 32 B burst"));
  TrafficSpec spec;
  CHECK_THROWS_WITH(parse_pattern("stride:-4", spec), Catch::Contains("stride:N"));
  CHECK_THROWS_WITH(parse_pattern("sequentail", spec),
                    Catch::Contains("expected sequential, random or stride:N"));
  parse_pattern("stride:4096", spec);
  CHECK(spec.stride_bytes == 4096);
}

}  // namespace neurokv::dram

#include "simulator/noc/synthetic_run.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "compiler/support/error.hpp"
#include "simulator/noc/mesh.hpp"

namespace neurokv::noc {
namespace {

void check(const SyntheticOptions& options) {
  if (!(options.rate > 0 && options.rate <= 1))
    throw InputError(fmt::format("rate is {}, expected flits per node per cycle in (0, 1]", options.rate));
  if (options.packet_flits < 1 || options.packet_flits > 1 << 16)
    throw InputError(fmt::format("packet flits is {}, expected 1 to 65536", options.packet_flits));
  if (options.warmup_cycles < 0 || options.measure_cycles < 1)
    throw InputError(fmt::format("warmup {} and measure {} cycles, expected warmup ≥ 0 and measure ≥ 1",
                                 options.warmup_cycles, options.measure_cycles));
}

// No flit moved for this long with flits in the mesh: a deadlock (a bug; XY routing cannot deadlock).
constexpr int64_t kStallCycles = 100000;

}  // namespace

SyntheticResult run_synthetic(const NocParams& params, const SyntheticOptions& options,
                              const std::function<void()>& each_cycle) {
  check(options);
  Mesh mesh(params);
  const TrafficPattern pattern(options.traffic, params.cols, params.rows, options.hotspot_fraction);
  const int nodes = params.nodes();
  std::vector<std::mt19937_64> rngs;  // one stream per node: a node's draws do not depend on the others'
  for (int node = 0; node < nodes; ++node) {
    std::seed_seq seeds{options.seed & 0xffffffffu, options.seed >> 32, static_cast<uint64_t>(node)};
    rngs.emplace_back(seeds);
  }
  const double packet_probability = options.rate / options.packet_flits;
  const int64_t window_begin = options.warmup_cycles;
  const int64_t window_end = options.warmup_cycles + options.measure_cycles;

  SyntheticResult result;
  mesh.record_deliveries();
  double latency = 0, zero_load = 0;  // sums over the packets created in the window
  int64_t offered_flits = 0, accepted_flits = 0;
  int64_t last_ejected = 0, last_progress = 0;
  std::vector<Arrival> delivered;
  while (mesh.cycle() < window_end || !mesh.idle()) {
    const int64_t cycle = mesh.cycle();
    if (cycle < window_end) {
      for (int node = 0; node < nodes; ++node) {
        std::mt19937_64& rng = rngs[static_cast<size_t>(node)];
        if (unit_draw(rng) >= packet_probability) continue;
        mesh.send(node, pattern.destination(node, rng), options.packet_flits);
        if (cycle >= window_begin) offered_flits += options.packet_flits;
      }
    }
    mesh.step();
    if (each_cycle) each_cycle();
    mesh.take_delivered(delivered);
    for (const Arrival& arrival : delivered) {
      const Packet& packet = arrival.packet;
      if (packet.created < window_begin || packet.created >= window_end) continue;
      const int hops = std::abs(packet.src % params.cols - packet.dst % params.cols) +
                       std::abs(packet.src / params.cols - packet.dst / params.cols);
      latency += static_cast<double>(arrival.cycle - packet.created);
      zero_load += static_cast<double>(zero_load_latency(hops, packet.flits, params.pipeline_cycles));
      ++result.measured_packets;
    }
    int64_t ejected = 0;
    for (int node = 0; node < nodes; ++node) ejected += mesh.interface(node).flits_ejected();
    if (cycle >= window_begin && cycle < window_end) accepted_flits += ejected - last_ejected;
    if (ejected != last_ejected || mesh.idle()) last_progress = cycle;
    if (cycle - last_progress > kStallCycles)
      throw RunError(fmt::format("noc: no flit delivered for {} cycles at cycle {} with flits in the mesh",
                                 kStallCycles, cycle));
    last_ejected = ejected;
  }

  const double node_cycles = static_cast<double>(nodes) * static_cast<double>(options.measure_cycles);
  result.offered = static_cast<double>(offered_flits) / node_cycles;
  result.accepted = static_cast<double>(accepted_flits) / node_cycles;
  if (result.measured_packets > 0) {
    result.mean_latency = latency / static_cast<double>(result.measured_packets);
    result.mean_zero_load = zero_load / static_cast<double>(result.measured_packets);
  }
  result.packets = mesh.packets_sent();
  for (int node = 0; node < nodes; ++node) result.flits += mesh.interface(node).flits_injected();
  result.flit_hops = mesh.flit_hops();
  result.cycles = mesh.cycle();
  return result;
}

}  // namespace neurokv::noc

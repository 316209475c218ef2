#pragma once
// A synthetic-traffic run of the flit-level mesh (`neurokv noc`, docs/validation.md "Cycle-level NoC"): every
// node generates packets by a Bernoulli process (a packet in a cycle with probability rate / packet_flits) to
// a pattern's destinations, for warmup + measure cycles; then generation stops and the mesh drains. Packets
// created in the measurement window are the measured ones: their mean latency (creation to the tail's arrival
// at the destination's sink, source queueing included) and the flits the sinks accepted in the window.
#include <cstdint>
#include <functional>

#include "simulator/noc/noc_params.hpp"
#include "simulator/noc/traffic.hpp"

namespace neurokv::noc {

struct SyntheticOptions {
  Traffic traffic = Traffic::Uniform;
  double rate = 0.1;  // offered load, flits per node per cycle, in (0, 1]
  int packet_flits = 4;
  int64_t warmup_cycles = 1000;
  int64_t measure_cycles = 10000;
  uint64_t seed = 1;
  double hotspot_fraction = 0.25;  // Traffic::Hotspot only
};

struct SyntheticResult {
  double offered = 0;         // flits generated per node per cycle in the window (measured, not the rate)
  double accepted = 0;        // flits the sinks took per node per cycle in the window
  double mean_latency = 0;    // cycles, over the measured packets
  double mean_zero_load = 0;  // cycles: the closed form zero_load_latency over the same packets
  int64_t measured_packets = 0;
  int64_t packets = 0;    // every packet of the run, warmup and window
  int64_t flits = 0;      // every flit injected (= every flit ejected: the run drains)
  int64_t flit_hops = 0;  // flits carried by router-to-router links
  int64_t cycles = 0;     // simulated, drain included
};

// The zero-load latency of a packet of `flits` flits over `hops` links (XY: |dx| + |dy|): its head passes
// hops + 1 routers at `pipeline_cycles` each, and its tail arrives flits − 1 cycles after the head.
inline int64_t zero_load_latency(int hops, int flits, int pipeline_cycles) {
  return static_cast<int64_t>(hops + 1) * pipeline_cycles + flits - 1;
}

// Throws InputError for options out of range, RunError if the mesh stops moving with flits in it (a deadlock:
// impossible under XY routing, so a bug). `each_cycle`, when given, is called after every simulated cycle:
// the clock that drives the loop (systemc_clock.hpp waits one SystemC clock period in it).
SyntheticResult run_synthetic(const NocParams& params, const SyntheticOptions& options,
                              const std::function<void()>& each_cycle = {});

}  // namespace neurokv::noc

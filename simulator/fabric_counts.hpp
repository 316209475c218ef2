#pragma once
// What the cycle fidelity's fabric (simulator/cycle/) counted over a whole run (prefill and every decode
// token): flits at the network interfaces and routers, the flow-control books at the end, and the DRAM
// command model's row outcomes. Reports carry it at cycle fidelity only (JSON "fabric").
#include <cstdint>
#include <string>

namespace neurokv {

struct FabricCounts {
  int64_t packets = 0;
  int64_t flits_injected = 0, flits_ejected = 0;  // by the network interfaces
  int64_t flits_addressed = 0;  // flits × their packets' destination nodes: what the sinks should take
  int64_t router_flits_in = 0, router_flits_out = 0;  // summed over the routers
  int64_t flit_hops = 0;                              // flits carried by router-to-router links
  // "" when, at the end, credits + flits = depth on every link and VC, no buffer ever held more than its
  // depth and every router passed on every flit it took in; else the first that broke.
  std::string flow_control;
  int64_t dram_requests = 0, dram_bursts = 0, dram_row_hits = 0, dram_row_misses = 0, dram_row_conflicts = 0;
};

}  // namespace neurokv

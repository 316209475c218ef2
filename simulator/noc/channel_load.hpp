#pragma once
// The ideal throughput of a traffic pattern under XY routing (Dally & Towles, "Principles and Practices of
// Interconnection Networks", 2004, ch. 3): with every node injecting λ flits per cycle, the busiest link
// carries γ_max · λ flits per cycle, so no router can do better than λ* = 1 / γ_max (links carry one flit per
// cycle). Uniform traffic on a k × k mesh gives γ_max = k / 4 (the bisection bound λ* = 4 / k: 0.5 on 8 × 8);
// the simulated saturation throughput is below it by what allocation and finite buffers lose.
#include "simulator/noc/traffic.hpp"

namespace neurokv::noc {

// γ_max: the most flits per cycle one channel (a directed link, or a node's ejection channel) carries per
// flit/node/cycle injected. Exact: the
// destination distribution of each pattern is summed in full (uniform: every node, the source included, with
// weight 1 / nodes; hotspot: the hotspot with its fraction on top).
double max_channel_load(Traffic traffic, int cols, int rows, double hotspot_fraction);

}  // namespace neurokv::noc

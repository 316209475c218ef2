#pragma once
// The parameters of the flit-level mesh NoC (the cycle fidelity's network, docs/simulator.md "Cycle-level
// NoC"): the mesh, each router's virtual channels and input buffers, the per-hop pipeline and the flit width.
#include "compiler/config/hw_config.hpp"

namespace neurokv::noc {

// The most virtual channels per port: VC allocation arbitrates 5 ports x 12 VCs = 60 input VCs in one 64-bit
// round-robin mask.
inline constexpr int kMaxVcs = 12;

struct NocParams {
  int cols = 8;
  int rows = 8;
  int vcs = 2;           // virtual channels per input port
  int buffer_flits = 4;  // depth of each virtual channel's input buffer, flits
  int pipeline_cycles =
      2;               // cycles from a flit's arrival in a router's input buffer to its arrival in the
                       // next one (route, VC and switch allocation, switch and link traversal), at zero load
  int flit_bytes = 8;  // link width: one flit crosses a link per cycle

  int nodes() const { return cols * rows; }
};

// Throws InputError naming the first parameter out of range and the range expected.
void check(const NocParams& params);

// The chip's NoC: its mesh, `noc.vcs`, `noc.buffer_flits`, `noc.hop_latency_cycles` as the per-hop pipeline
// (the transaction model's hop latency, so the two fidelities cannot disagree on it) and
// `noc.link_bytes_per_cycle` as the flit width. Throws InputError when a key is not a whole number.
NocParams noc_params(const HwConfig& hw);

}  // namespace neurokv::noc

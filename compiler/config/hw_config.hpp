#pragma once
// An Akida-like chip: a 2D mesh of nodes, each with neural processors (NPs) and a router, optional external
// DRAM, and the energy table that prices what the hardware does. Every number in the file names its source or
// says `assumed`; `provenance` keeps that text by dotted key for reports and docs.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace neurokv {

// Half of each NP's input SRAM may hold KV rows (one of Akida 2's two input buffers); the other half keeps
// buffering the events NPs consume. plan_kv_cache plans the cache within this share and the verifier (ir/)
// checks it.
constexpr double kKvShareOfInputSram = 0.5;
// The bytes of one NP's input SRAM the KV cache may use.
inline int64_t kv_budget_per_np(int64_t input_sram_bytes) {
  return static_cast<int64_t>(static_cast<double>(input_sram_bytes) * kKvShareOfInputSram);
}

struct NpSpec {
  int64_t weight_sram_bytes = 0;  // per NP
  int64_t input_sram_bytes = 0;   // per NP (both input buffers)
  int mac_lanes = 0;              // MACs per cycle per NP
  std::vector<int> weight_bits;   // supported widths, ascending
  std::vector<int> activation_bits;
  std::vector<int> kv_bits;  // storage widths the KV cache may use
  // CNN layers: the widest input (its second dimension) one NP takes; a wider layer is split over NPs. 0 when
  // the chip file omits it: no limit.
  int64_t max_input_width = 0;
  // CNN frames: cycles an NP spends per input event per output filter it holds, besides the event's MACs
  // (Akida 1 applies each event to every filter's potentials, 8 filters at a time); 0 when the chip file
  // omits it. Only the CNN frame cost (simulator/frame_cost.hpp) reads it.
  double event_filter_cycles = 0;
};

struct NocSpec {
  double hop_latency_cycles = 0;
  double link_bytes_per_cycle = 0;
  double event_bytes = 0;  // bytes one event occupies on a link (coordinates + value)
  // The cycle fidelity's flit-level routers (simulator/noc/): virtual channels per input port and the depth
  // of each one's buffer in flits (a flit is link_bytes_per_cycle bytes).
  int vcs = 0;
  int buffer_flits = 0;
};

struct DramSpec {
  bool present = false;
  double bandwidth_bytes_per_s = 0;
  double latency_ns = 0;
  int64_t burst_bytes = 0;
  double background_w = 0;    // active standby of the devices while a program streams from them
  double refresh_w = 0;       // auto-refresh, averaged over the refresh interval
  double self_refresh_w = 0;  // while a program never touches DRAM, it keeps its contents in self-refresh
  // The device the command model (simulator/dram/) simulates, and how many of its channels; "" and 0 when the
  // chip file names none. The transaction model reads bandwidth, latency and burst above.
  std::string device{};
  int channels = 0;
  // Where each channel's controller and DMA attach to the mesh (row-major node indices, one per channel), for
  // the cycle fidelity, which carries DRAM data between there and the NPs on the flit mesh. Empty when the
  // chip names no device; `default_attach_nodes` when it names one and leaves this key out.
  std::vector<int> attach_nodes{};
};

// Channel c at node c mod nodes: the first at the DMA point (0,0), where the compiler starts the streaming
// pool (docs/passes.md), the next along row 0 (assumed: Akida's DMA is a mesh endpoint, docs/sources.md, but
// where it sits is not published).
std::vector<int> default_attach_nodes(int channels, int nodes);

struct EnergyTable {
  std::map<int, double> mac_pj;  // by weight bit width; covers every supported width
  double sram_read_pj_per_byte = 0;
  double sram_write_pj_per_byte = 0;
  double noc_pj_per_hop_byte = 0;
  double dram_pj_per_byte = 0;
  double event_pj = 0;
  double softmax_pj_per_element = 0;
  // Static (leakage and clock) power of what is powered: each NP, each node's router, the uncore (clocking,
  // DMA, chip I/O). With `gate_idle_nps`, NPs that hold no tile and no KV rows are power-gated, and so are
  // routers no powered NP or route needs.
  double np_static_w = 0;
  double router_static_w = 0;
  double uncore_static_w = 0;
  bool gate_idle_nps = true;
  // CNN frames: the energy of applying one input event to one output filter, besides its MACs and weight
  // reads; 0 when the chip file omits it (priced with the events).
  double event_filter_pj = 0;
};

struct HwConfig {
  std::string name;
  std::string file;
  std::string content_hash;  // chip_file_hash of the YAML text it was read from
  std::string source;        // the path it was loaded from as given; "" when named from hwconfigs/
  double clock_hz = 0;
  int mesh_cols = 0;
  int mesh_rows = 0;
  int nps_per_node = 0;
  double softmax_elements_per_cycle = 0;  // per NP: the chip's shiftmax unit
  // Clocks every CNN frame spends outside its layers (input transfer, start and end of an inference); 0 when
  // the chip file omits it. Only the CNN frame cost (simulator/frame_cost.hpp) adds it.
  double frame_overhead_cycles = 0;
  NpSpec np;
  NocSpec noc;
  DramSpec dram;
  EnergyTable energy;
  std::map<std::string, std::string> provenance;  // dotted key -> "source: ..." / "assumed: ..."

  int nodes() const { return mesh_cols * mesh_rows; }
  int nps_total() const { return nodes() * nps_per_node; }
  double dram_bytes_per_cycle() const { return dram.bandwidth_bytes_per_s / clock_hz; }
  double dram_latency_cycles() const { return dram.latency_ns * 1e-9 * clock_hz; }
  int widest_weight_bits() const { return np.weight_bits.back(); }
  int widest_activation_bits() const { return np.activation_bits.back(); }
};

// Loads and validates a chip YAML; `name_or_path` is a path or a name from the hwconfigs/ directory.
HwConfig load_hw(const std::string& name_or_path, const std::string& hwconfigs_dir);
HwConfig parse_hw(const std::string& yaml_text, const std::string& file);
// A chip file's content hash, as a compiled program records it: CRC-64/XZ of its bytes, 16 hex digits. It
// tells a changed file from the one compiled for; it is no cryptographic fingerprint.
std::string chip_file_hash(const std::string& yaml_text);

}  // namespace neurokv

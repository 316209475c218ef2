#pragma once
// A neural processor: an input event queue (in its input SRAM), MAC lanes, a weight SRAM and a softmax unit.
// It runs the tiles the Sequencer hands it for a wave, one after another in program order:
//   wait for the tile's DRAM input (streamed weights, KV rows) → compute for TileWork::compute_cycles
//   (work.hpp: proportional to the non-zero input events only) → post KV rows out through the MemoryPort →
//   hand the output routes to the Network (the NP does not wait for them to arrive).
// DRAM reads are double-buffered: while a tile computes, the Dma already fetches the next tile's input, so
// only the first read of a wave exposes the DRAM latency. Posted writes must land before the NP ends its
// wave. It counts what each tile did into the ledger and records the high-water mark of its input event queue
// in the decode tokens and, apart, in the prefill (the static SRAM allocation, the same at both fidelities,
// is program_facts' peak_np_sram_bytes).
//
// The wave is a state machine (advance()) that stops where the NP waits, so one body runs as either kind of
// SystemC process: an SC_METHOD on the transaction fabric, where every block but the Sequencer is a method
// (no coroutine and stack per NP to create: most of a small simulation's start), or an SC_THREAD beside
// another fabric's threads (simulator/cycle/). Each kind keeps the order in which simultaneous processes ran
// when every NP was a thread, so the results are the same bytes: SystemC runs a delta's methods before its
// threads, each in the order they were triggered.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <systemc>
#include <vector>

#include "compiler/ir/program.hpp"
#include "simulator/transaction/memory_port.hpp"
#include "simulator/transaction/network.hpp"
#include "simulator/transaction/router.hpp"
#include "simulator/transaction/sim_context.hpp"

namespace neurokv::transaction {

struct TileJob {
  const ir::Op* op;
  const ir::Tile* tile;
};

// Route plans by source op and tile: routes_from[op][tile].
using RoutesFrom = std::vector<std::vector<std::vector<const RoutePlan*>>>;

class Np : public sc_core::sc_module {
 public:
  enum class Process { Method, Thread };

  Np(sc_core::sc_module_name name, SimContext& ctx, MemoryPort& dma, Network& network,
     const RoutesFrom& routes_from, const ir::NpCoord& coord, int index, Process process);

  // Starts running `jobs` now; the NP finishes its barrier share when the last tile has sent its routes.
  void run_wave(std::vector<TileJob> jobs);
  // A packet train for tile `tile` of op `op` has arrived in this NP's input queue; `held` of its `events`
  // occupy the queue at once (Network::send).
  void receive(int op, int tile, double events, double held);

  double wave_compute_cycles() const { return wave_compute_; }
  // The most bytes of input events queued at once during the decode tokens.
  int64_t peak_queue_bytes() const { return peak_queue_bytes_; }
  // The same during the prefill (a chunked prefill's spilled routes hold one chunk: prefill_queue.hpp).
  int64_t peak_prefill_queue_bytes() const { return peak_prefill_queue_bytes_; }
  const double& queue_events() const { return queue_events_; }  // for the VCD
  const bool& busy() const { return busy_; }                    // for the VCD

 private:
  SC_HAS_PROCESS(Np);
  // What the NP waits for before it goes on: its next wave (start_), an event or a delay.
  struct Resume {
    enum class On { NextWave, Event, Delay } on;
    const sc_core::sc_event* event = nullptr;
    sc_core::sc_time delay;
  };
  // Where the wave stands: between waves, a tile waiting for its DRAM input, a tile computing, the wave's
  // posted writes landing.
  enum class Stage { Idle, Input, Compute, Writes };

  static std::optional<Resume> until_done(const DmaRequest& request);
  Resume advance();
  void run_method();
  void run_thread();
  void plan_wave();
  void begin_tile();
  void finish_tile();
  void issue_read_from(size_t first);
  double held_events(const ir::Route& route, int64_t tokens, double events) const;
  int node() const { return coord_.y * ctx_.hw.mesh_cols + coord_.x; }  // row-major, as RoutePlan::src_node

  SimContext& ctx_;
  MemoryPort& dma_;
  Network& network_;
  const RoutesFrom& routes_from_;
  ir::NpCoord coord_;
  int index_;
  std::vector<TileJob> jobs_;
  std::vector<TileWork> works_;      // the wave's tiles' work, known when the wave starts
  std::deque<DmaRequest> requests_;  // this wave's DMA requests (stable addresses while the Dma holds them)
  std::vector<DmaRequest*> reads_;   // by job: its DRAM read, once issued
  std::vector<DmaRequest*> writes_;
  sc_core::sc_event start_;
  Stage stage_ = Stage::Idle;
  size_t tile_ = 0;        // the job running
  size_t write_ = 0;       // the first posted write not yet known to have landed
  double tile_start_ = 0;  // cycles, for the trace
  double wave_compute_ = 0;
  bool busy_ = false;

  struct Queued {
    double events = 0;  // delivered, counted when the tile takes them
    double held = 0;    // occupying the input SRAM meanwhile
  };
  std::map<std::pair<int, int>, Queued> queued_;  // input events waiting, by consuming (op, tile)
  double queue_events_ = 0;                       // held events, all tiles
  int64_t peak_queue_bytes_ = 0;
  int64_t peak_prefill_queue_bytes_ = 0;
};

}  // namespace neurokv::transaction

#pragma once
// The cycle fidelity's DMA engine: the NPs' DRAM reads and writes served by the DRAM command model
// (simulator/dram/: the chip's `dram.device` on `dram.channels` channels, banks, open-page row buffers,
// FR-FCFS, refresh), their data carried over the flit mesh between each channel's attach node
// (`dram.attach_nodes`) and the NP's node. Requests queue in one FIFO, as in the transaction model's Dma; the
// engine hands the controllers one request at a time, placed by DramLayout and cut into device bursts that
// interleave across channels and banks, and hands over the next once the last burst's column command has
// issued. A read's data leaves its channel's node as data packets (flit_network.hpp), each when the model
// says its last data beat has landed, and the read is done when the last packet reaches the NP's node. A
// write's data crosses to the channels first: the write joins the FIFO when its last packet has arrived
// (assumed: the controller takes a write once its data is all there) and is done at its last data beat.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <systemc>
#include <vector>

#include "simulator/cycle/dram_layout.hpp"
#include "simulator/cycle/flit_network.hpp"
#include "simulator/dram/address_mapping.hpp"
#include "simulator/dram/memory_system.hpp"
#include "simulator/transaction/memory_port.hpp"
#include "simulator/transaction/sim_context.hpp"

namespace neurokv::cycle {

class CommandDma : public sc_core::sc_module, public transaction::MemoryPort {
 public:
  // Throws InputError when the chip has DRAM but names no `dram.device` for the command model.
  CommandDma(sc_core::sc_module_name name, transaction::SimContext& ctx, FlitNetwork& network);

  void issue(transaction::DmaRequest& request) override;
  double dram_busy_cycles() const override { return busy_cycles_; }
  dram::Stats stats() const;

 private:
  SC_HAS_PROCESS(CommandDma);
  // One data packet's share of a request: kDataPacketBytes (the last piece: what is left) at `address`, on
  // the channel attached at `node`.
  struct Piece {
    uint64_t address;
    int64_t bytes;
    int node;
  };
  std::vector<Piece> pieces(const transaction::DmaRequest& request) const;
  // Carries the pieces between their channels' nodes and the NP's node, each from `ready[i]`; `done` runs
  // when the last has arrived.
  void carry(const transaction::DmaRequest& request, const std::vector<Piece>& pieces,
             const std::vector<sc_core::sc_time>& ready, std::function<void()> done);
  void queue(transaction::DmaRequest& request);
  void serve();
  void serve_one(transaction::DmaRequest& request);
  // The request's last byte has landed (`done_at`, now or later): the NP waiting for it goes on.
  static void finish(transaction::DmaRequest& request, sc_core::sc_time done_at);
  // The chip's time at the start of DRAM cycle `cycle`.
  sc_core::sc_time at_dram_cycle(int64_t cycle) const;

  transaction::SimContext& ctx_;
  FlitNetwork& network_;
  DramLayout layout_;
  std::unique_ptr<dram::MemorySystem> memory_;     // none when the chip has no DRAM
  std::unique_ptr<dram::AddressMapping> mapping_;  // the memory system's, for a piece's channel
  int64_t piece_bytes_ = 0;
  int64_t requests_ = 0;  // the NPs' requests (the memory system counts one per piece)
  std::deque<transaction::DmaRequest*> queue_;
  sc_core::sc_event wake_;
  double busy_cycles_ = 0;  // chip cycles: data-bus cycles over all channels / channels
};

}  // namespace neurokv::cycle

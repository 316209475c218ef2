#pragma once
// The chip: a mesh of nodes from the hwconfig, the Dma and the external Dram, and the program's routes laid
// onto the mesh. It also attaches the VCD trace of queue depths, link and DMA activity when asked. Another
// fidelity (simulator/cycle/) keeps the NPs and the sequencing and brings its own Fabric: the network the NPs
// send through and the port they reach DRAM by.
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "simulator/transaction/dma.hpp"
#include "simulator/transaction/dram.hpp"
#include "simulator/transaction/node.hpp"

namespace neurokv::transaction {

// Both or neither: neither builds the transaction model's Routers, Dma and Dram.
struct Fabric {
  Network* network = nullptr;
  MemoryPort* memory = nullptr;
};

class Chip : public sc_core::sc_module {
 public:
  Chip(sc_core::sc_module_name name, SimContext& ctx, Fabric fabric = {});

  Np& np(const ir::NpCoord& c);
  int np_index(const ir::NpCoord& c) const;
  std::vector<Np*> nps();  // chip-wide index order
  MemoryPort& memory() { return *memory_; }

  // Traces every NP's input queue and busy flag, and with the transaction fabric every router's link bytes
  // and the DMA queue, into `vcd`.
  void trace_signals(sc_core::sc_trace_file* vcd);

 private:
  SimContext& ctx_;
  std::unique_ptr<Dram> dram_;  // the transaction fabric's; null with another
  std::unique_ptr<Dma> dma_;
  MemoryPort* memory_ = nullptr;
  std::vector<RoutePlan> plans_;
  RoutesFrom routes_from_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Router*> mesh_;
};

}  // namespace neurokv::transaction

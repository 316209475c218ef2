#pragma once
// The chip: a mesh of nodes from the hwconfig, the Dma and the external Dram, and the program's routes laid
// onto the mesh. It also attaches the VCD trace of queue depths, link and DMA activity when asked.
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "simulator/transaction/dma.hpp"
#include "simulator/transaction/dram.hpp"
#include "simulator/transaction/node.hpp"

namespace neurokv::transaction {

class Chip : public sc_core::sc_module {
 public:
  Chip(sc_core::sc_module_name name, SimContext& ctx);

  Np& np(const ir::NpCoord& c);
  int np_index(const ir::NpCoord& c) const;
  std::vector<Np*> nps();  // chip-wide index order
  Dram& dram() { return dram_; }
  Dma& dma() { return dma_; }

  // Traces every NP's input queue and busy flag, every router's link bytes and the DMA queue into `vcd`.
  void trace_signals(sc_core::sc_trace_file* vcd);

 private:
  SimContext& ctx_;
  Dram dram_;
  Dma dma_;
  std::vector<RoutePlan> plans_;
  RoutesFrom routes_from_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Router*> mesh_;
};

}  // namespace neurokv::transaction

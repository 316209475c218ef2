#include "simulator/cycle/simulate_cycle.hpp"

#include <fmt/format.h>

#include "simulator/cycle/command_dma.hpp"
#include "simulator/cycle/flit_network.hpp"
#include "simulator/transaction/chip.hpp"

namespace neurokv::cycle {
namespace {

class CycleFabric : public FabricModel {
 public:
  explicit CycleFabric(transaction::SimContext& ctx)
      : network_("flit_network", ctx), dma_("command_dma", ctx, network_) {}

  transaction::Fabric fabric() override { return {&network_, &dma_}; }
  void connect(transaction::Chip& chip) override { network_.connect(chip.nps()); }

  FabricCounts counts() const override {
    const noc::Mesh& mesh = network_.mesh();
    FabricCounts c;
    c.packets = network_.packets();
    c.flits_addressed = network_.flits_addressed();
    for (int node = 0; node < mesh.params().nodes(); ++node) {
      c.flits_injected += mesh.interface(node).flits_injected();
      c.flits_ejected += mesh.interface(node).flits_ejected();
      c.router_flits_in += mesh.router(node).flits_in();
      c.router_flits_out += mesh.router(node).flits_out();
    }
    c.flit_hops = mesh.flit_hops();
    c.flow_control = mesh.check_flow_control();
    // Every router passed on every flit it took in: the mesh is drained when the run ends.
    for (int node = 0; node < mesh.params().nodes() && c.flow_control.empty(); ++node) {
      const noc::Router& r = mesh.router(node);
      if (r.flits_in() != r.flits_out())
        c.flow_control = fmt::format("router ({},{}) took in {} flits and passed on {}", r.x(), r.y(),
                                     r.flits_in(), r.flits_out());
    }
    const dram::Stats dram = dma_.stats();
    c.dram_requests = dram.requests;
    c.dram_bursts = dram.bursts;
    c.dram_row_hits = dram.row_hits;
    c.dram_row_misses = dram.row_misses;
    c.dram_row_conflicts = dram.row_conflicts;
    return c;
  }

 private:
  FlitNetwork network_;
  CommandDma dma_;
};

}  // namespace

SimulationResult simulate_cycle(const ir::Program& program, const HwConfig& hw, const SimOptions& options) {
  return simulate(program, hw, options, [](transaction::SimContext& ctx) -> std::unique_ptr<FabricModel> {
    return std::make_unique<CycleFabric>(ctx);
  });
}

}  // namespace neurokv::cycle

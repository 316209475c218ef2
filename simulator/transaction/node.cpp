#include "simulator/transaction/node.hpp"

#include <string>

namespace neurokv::transaction {

Node::Node(sc_core::sc_module_name name, SimContext& ctx, MemoryPort& dma, Network* network,
           const RoutesFrom& routes_from, int x, int y, int first_np)
    : sc_module(name) {
  // The transaction fabric's blocks are all methods, another fabric's are threads: the NPs are of their kind
  // (np.hpp).
  const Np::Process process = network ? Np::Process::Thread : Np::Process::Method;
  if (!network) {
    router_ = std::make_unique<Router>("router", ctx);
    network = router_.get();
  }
  for (int i = 0; i < ctx.hw.nps_per_node; ++i) {
    nps_.push_back(std::make_unique<Np>(("np" + std::to_string(i)).c_str(), ctx, dma, *network, routes_from,
                                        ir::NpCoord{x, y, i}, first_np + i, process));
  }
}

std::vector<Np*> Node::nps() {
  std::vector<Np*> out;
  for (auto& np : nps_) out.push_back(np.get());
  return out;
}

}  // namespace neurokv::transaction

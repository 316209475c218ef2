#pragma once
// A mesh node: its NPs and the Router joining them to the mesh, or, when the chip's fabric is another
// fidelity's, its NPs alone, sending through that fabric's network.
#include <memory>
#include <systemc>
#include <vector>

#include "simulator/transaction/np.hpp"
#include "simulator/transaction/router.hpp"

namespace neurokv::transaction {

class Node : public sc_core::sc_module {
 public:
  // `first_np` is the chip-wide index of this node's NP 0. `network`: the fabric's, or nullptr for a Router
  // of the node's own.
  Node(sc_core::sc_module_name name, SimContext& ctx, MemoryPort& dma, Network* network,
       const RoutesFrom& routes_from, int x, int y, int first_np);

  Router* router() { return router_.get(); }  // nullptr with another fabric's network
  Np& np(int i) { return *nps_.at(static_cast<size_t>(i)); }
  std::vector<Np*> nps();

 private:
  std::unique_ptr<Router> router_;
  std::vector<std::unique_ptr<Np>> nps_;
};

}  // namespace neurokv::transaction

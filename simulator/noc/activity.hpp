#pragma once
// What the mesh's cycle loop has to visit: the routers that hold a flit and the interfaces with a packet to
// send (bit per node), and the output ports a credit was returned to this cycle (absorbed at the start of the
// next). Routers and interfaces report to it as they change, so a cycle costs in proportion to the flits in
// flight, not to the mesh's size.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neurokv::noc {

class OutputPort;
class Router;

struct NodeSet {
  explicit NodeSet(int nodes) : words(static_cast<std::size_t>((nodes + 63) / 64)) {}
  void add(int node) { words[static_cast<std::size_t>(node >> 6)] |= uint64_t{1} << (node & 63); }
  void remove(int node) { words[static_cast<std::size_t>(node >> 6)] &= ~(uint64_t{1} << (node & 63)); }
  // Calls f(node) for each node in the set, in ascending order; reads each word once, so f may remove nodes
  // (and add some, which this pass may not visit).
  template <class F>
  void for_each(F&& f) {
    for (std::size_t w = 0; w < words.size(); ++w)
      for (uint64_t left = words[w]; left != 0; left &= left - 1)
        f(static_cast<int>(w * 64) + __builtin_ctzll(left));
  }
  bool empty() const {
    for (uint64_t word : words)
      if (word != 0) return false;
    return true;
  }
  std::vector<uint64_t> words;
};

// A credit returned to `port` this cycle: output port `out` of `router`, or an interface's injection channel
// (router nullptr).
struct CreditDue {
  OutputPort* port;
  Router* router;
  int out;
};

struct Activity {
  explicit Activity(int nodes) : routers(nodes), interfaces(nodes) {}
  NodeSet routers;     // holding a flit
  NodeSet interfaces;  // a packet queued or being injected
  std::vector<CreditDue> credits_due;
};

}  // namespace neurokv::noc

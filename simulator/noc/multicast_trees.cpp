#include "simulator/noc/multicast_trees.hpp"

#include "simulator/noc/port.hpp"

namespace neurokv::noc {

int MulticastTrees::add(int src, const std::vector<int>& dsts) {
  const int tree = size();
  const std::size_t base = ports_.size();
  ports_.resize(base + static_cast<std::size_t>(nodes_), 0);
  for (int dst : dsts) {
    int x = src % cols_, y = src / cols_;
    const int dst_x = dst % cols_, dst_y = dst / cols_;
    for (;;) {
      const Port port = xy_port(x, y, dst_x, dst_y);
      ports_[base + static_cast<std::size_t>(y * cols_ + x)] |= static_cast<uint8_t>(1u << port);
      if (port == kLocal) break;
      x += port == kEast ? 1 : port == kWest ? -1 : 0;
      y += port == kNorth ? 1 : port == kSouth ? -1 : 0;
    }
  }
  return tree;
}

}  // namespace neurokv::noc

#include "simulator/noc/channel_load.hpp"

#include <algorithm>
#include <random>
#include <vector>

#include "simulator/noc/port.hpp"

namespace neurokv::noc {
namespace {

// Adds `weight` to every channel of the XY path from src to dst: the links, then dst's ejection channel (its
// router's kLocal output, one flit per cycle too). Channels indexed node × kPorts + output port.
void add_path(std::vector<double>& load, int cols, int src, int dst, double weight) {
  int x = src % cols, y = src / cols;
  const int dx = dst % cols, dy = dst / cols;
  for (Port port = xy_port(x, y, dx, dy);; port = xy_port(x, y, dx, dy)) {
    load[static_cast<size_t>((y * cols + x) * kPorts + port)] += weight;
    if (port == kLocal) return;
    x += port == kEast ? 1 : port == kWest ? -1 : 0;
    y += port == kNorth ? 1 : port == kSouth ? -1 : 0;
  }
}

}  // namespace

double max_channel_load(Traffic traffic, int cols, int rows, double hotspot_fraction) {
  const int nodes = cols * rows;
  std::vector<double> load(static_cast<size_t>(nodes * kPorts), 0.0);
  const TrafficPattern pattern(traffic, cols, rows, hotspot_fraction);
  std::mt19937_64 unused;  // the deterministic patterns draw nothing
  const int hotspot = (rows / 2) * cols + cols / 2;
  for (int src = 0; src < nodes; ++src) {
    switch (traffic) {
      case Traffic::Uniform:
      case Traffic::Hotspot: {
        const double uniform_share = traffic == Traffic::Hotspot ? 1 - hotspot_fraction : 1;
        for (int dst = 0; dst < nodes; ++dst) add_path(load, cols, src, dst, uniform_share / nodes);
        if (traffic == Traffic::Hotspot) add_path(load, cols, src, hotspot, hotspot_fraction);
        break;
      }
      case Traffic::Transpose:
      case Traffic::BitComplement:
        add_path(load, cols, src, pattern.destination(src, unused), 1);
        break;
    }
  }
  return *std::max_element(load.begin(), load.end());
}

}  // namespace neurokv::noc

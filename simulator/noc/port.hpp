#pragma once
// A router's five ports and the XY (dimension-ordered) route between mesh nodes: along x first, then y.
// XY routing on a mesh is deadlock-free: no packet turns from y back to x, so channel dependencies have no
// cycle.
namespace neurokv::noc {

enum Port : int { kLocal = 0, kEast = 1, kWest = 2, kNorth = 3, kSouth = 4 };
inline constexpr int kPorts = 5;

// The port a link leaving through `port` enters the neighbour by.
inline Port opposite(int port) {
  static constexpr Port kOpposite[kPorts] = {kLocal, kWest, kEast, kSouth, kNorth};
  return kOpposite[port];
}

// The output port at node (x, y) towards node (dst_x, dst_y); kLocal when there.
inline Port xy_port(int x, int y, int dst_x, int dst_y) {
  if (dst_x != x) return dst_x > x ? kEast : kWest;
  if (dst_y != y) return dst_y > y ? kNorth : kSouth;
  return kLocal;
}

}  // namespace neurokv::noc

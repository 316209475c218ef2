#pragma once
// Decoder layers that count alike (issue 16, item 1: count per layer class). Most of a program's layers
// differ only in where their tiles sit: the same ops with the same tiles, routes and densities, so each
// tile's work and each route's bytes are the same figures in those layers; only the NPs the tiles load, the
// links the routes cross, their hops and the DMA pass a tile's weights stream in differ. (Others differ in
// what counting reads: weights or a KV cache kept in SRAM, a window, a route placement leaves out; they form
// classes of their own.) The analytic counting works the figures out once per class and reads them for the
// class's other layers, keeping placement (NP load, links, hops, depth) per layer.
#include <cstddef>
#include <vector>

#include "compiler/ir/program.hpp"

namespace neurokv {

// A program's routes by source op, in route order: op k's are at(k, 0) ... at(k, count(k) - 1).
class RoutesBySource {
 public:
  explicit RoutesBySource(const ir::Program& program);
  size_t count(int op) const { return start_[op + 1] - start_[op]; }
  size_t at(int op, size_t k) const { return routes_[start_[op] + k]; }

 private:
  std::vector<size_t> routes_;
  std::vector<size_t> start_;
};

// By op: the op at the same place in the first decoder layer this op's layer is identical to in everything
// counting reads but placement (kinds, widths, densities, bit widths, storage, windows, KV buffers, tiles
// apart from their NPs, and the routes from each op: source tile, destination count and density, repeated
// KV delivery); the op itself for the first layer of each class and for ops outside the blocks. `repeated`:
// repeated_kv_deliveries(program).
std::vector<int> layer_classes(const ir::Program& program, const RoutesBySource& routes,
                               const std::vector<bool>& repeated);

}  // namespace neurokv

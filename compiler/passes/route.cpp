#include "compiler/passes/route.hpp"

#include <fmt/format.h>

#include "compiler/ir/mesh.hpp"

namespace neurokv::passes {
namespace {

using graph::Edge;
using graph::Vertex;

struct Span {
  int64_t begin = 0;
  int64_t end = 0;
  bool overlaps(const Span& o) const { return begin < o.end && o.begin < end; }
};

// The part of the producer's output a tile produces, in output elements. `kv`: carries_kv(producer).
Span produced(const ir::Op& producer, bool kv, const ir::Tile& tile) {
  if (!graph::is_head_split(producer.kind)) return {tile.out_begin, tile.out_end};
  const int64_t per_head = producer.out_features / (kv ? producer.kv_heads : producer.heads);
  return {tile.out_begin * per_head, tile.out_end * per_head};
}

// The part of the producer's output a head-split consumer tile reads: its query heads, or their KV groups.
Span needed(const ir::Op& consumer, const ir::Tile& tile, bool kv, int64_t width) {
  const int producer_heads = kv ? consumer.kv_heads : consumer.heads;
  const int64_t per_head = width / producer_heads;
  // Query heads per producer head: 1 for query-side tensors, H/g for KV-side ones.
  const int64_t group = consumer.heads / producer_heads;
  const int64_t first = tile.out_begin / group;
  const int64_t last = (tile.out_end - 1) / group + 1;
  return {first * per_head, last * per_head};
}

void route_tensor(Graph& graph, Edge e, std::vector<ir::Route>& routes) {
  const Vertex src = boost::source(e, graph);
  const Vertex dst = boost::target(e, graph);
  const ir::Op& producer = graph[src];
  const ir::Op& consumer = graph[dst];
  const bool kv = graph::carries_kv(producer);
  const bool by_heads = graph::is_head_split(consumer.kind);
  // A consumer tiled by channels needs every producer tile's output: one list of destinations for all. One
  // tiled by heads needs a slice, the same for every producer tile; neighbouring producer tiles often feed
  // the same consumer tiles, and then share their list.
  std::vector<int> every_tile;
  std::vector<Span> slices;
  for (const ir::Tile& target : consumer.tiles) {
    if (by_heads)
      slices.push_back(needed(consumer, target, kv, graph[e].width));
    else
      every_tile.push_back(target.index);
  }
  ir::TileList dst_tiles(std::move(every_tile));
  ir::MulticastDestinations dst_nps;
  for (int t : dst_tiles) dst_nps.add(consumer.tiles[static_cast<std::size_t>(t)].np);
  std::vector<int> slice_tiles;
  for (const ir::Tile& tile : producer.tiles) {
    if (by_heads) {
      const Span out = produced(producer, kv, tile);
      slice_tiles.clear();
      for (std::size_t t = 0; t < consumer.tiles.size(); ++t) {
        if (out.overlaps(slices[t])) slice_tiles.push_back(consumer.tiles[t].index);
      }
      if (slice_tiles != dst_tiles.tiles()) {
        dst_tiles = slice_tiles;
        dst_nps = ir::MulticastDestinations();
        for (int t : dst_tiles) dst_nps.add(consumer.tiles[static_cast<std::size_t>(t)].np);
      }
    }
    if (dst_tiles.empty()) continue;
    routes.push_back(
        {static_cast<int>(src), tile.index, static_cast<int>(dst), dst_tiles, dst_nps.tree_links(tile.np)});
  }
}

}  // namespace

void route(Graph& graph, Diagnostics& diagnostics) {
  std::vector<ir::Route> routes;
  std::size_t most = 0;  // a route per producer tile and tensor at most
  for (Edge e : boost::make_iterator_range(boost::edges(graph))) {
    if (!graph[e].via_buffer) most += graph[boost::source(e, graph)].tiles.size();
  }
  routes.reserve(most);
  for (Edge e : boost::make_iterator_range(boost::edges(graph))) {
    if (!graph[e].via_buffer) route_tensor(graph, e, routes);
  }
  int64_t hops = 0;
  for (const ir::Route& r : routes) hops += r.hops;
  diagnostics.push_back(
      Diagnostic::note(fmt::format("{} event routes, {} links in all", routes.size(), hops)));
  graph[boost::graph_bundle].routes = std::move(routes);
}

}  // namespace neurokv::passes

#include "compiler/passes/lower.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace neurokv::passes {
namespace {

using graph::Vertex;

std::vector<ir::Step> renumber(std::vector<ir::Step> steps, const std::vector<int>& id_of) {
  for (ir::Step& step : steps) {
    step.op = id_of[static_cast<std::size_t>(step.op)];
    for (int& w : step.waits) w = id_of[static_cast<std::size_t>(w)];
    std::sort(step.waits.begin(), step.waits.end());
  }
  return steps;
}

// The routes renumbered and in (source op, source tile, destination op) order: bucketed by source op, each
// bucket sorted, then each route moved once (sorting the routes themselves moved each many times).
std::vector<ir::Route> sorted_routes(std::vector<ir::Route> routes, const std::vector<int>& id_of) {
  std::vector<std::size_t> start(id_of.size() + 1, 0);  // by new source op id: where its bucket starts
  for (ir::Route& r : routes) {
    r.src_op = id_of[static_cast<std::size_t>(r.src_op)];
    r.dst_op = id_of[static_cast<std::size_t>(r.dst_op)];
    ++start[static_cast<std::size_t>(r.src_op) + 1];
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<std::size_t> order(routes.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < routes.size(); ++i)
    order[next[static_cast<std::size_t>(routes[i].src_op)]++] = i;
  for (std::size_t op = 0; op + 1 < start.size(); ++op) {
    std::sort(order.begin() + static_cast<std::ptrdiff_t>(start[op]),
              order.begin() + static_cast<std::ptrdiff_t>(start[op + 1]), [&](std::size_t a, std::size_t b) {
                return std::tie(routes[a].src_tile, routes[a].dst_op, a) <
                       std::tie(routes[b].src_tile, routes[b].dst_op, b);
              });
  }
  std::vector<ir::Route> sorted;
  sorted.reserve(routes.size());
  for (std::size_t i : order) sorted.push_back(std::move(routes[i]));
  return sorted;
}

}  // namespace

ir::Program lower(Graph& graph, const HwConfig& hw) {
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  ir::Program program;
  program.model = info.model;
  program.variant = info.variant;
  program.kv_heads = info.kv_heads;
  program.chip = {hw.name,
                  hw.mesh_cols,
                  hw.mesh_rows,
                  hw.nps_per_node,
                  hw.np.weight_sram_bytes,
                  hw.np.input_sram_bytes,
                  hw.dram.present,
                  hw.content_hash,
                  hw.source};
  program.precision = info.precision;
  program.context = info.context;
  program.fused_kv = info.fused_kv;
  program.buffers = std::move(info.buffers);

  std::vector<int> id_of(boost::num_vertices(graph), -1);
  for (std::size_t i = 0; i < info.decode.size(); ++i)
    id_of[static_cast<std::size_t>(info.decode[i].op)] = static_cast<int>(i);
  program.ops.reserve(info.decode.size());
  for (const ir::Step& step : info.decode) {
    const Vertex v = static_cast<Vertex>(step.op);
    ir::Op op = std::move(graph[v]);
    op.id = id_of[v];
    if (op.tied_to >= 0) op.tied_to = id_of[static_cast<std::size_t>(op.tied_to)];
    op.inputs.clear();
    for (graph::Edge e : graph::inputs_by_slot(graph, v)) op.inputs.push_back(id_of[boost::source(e, graph)]);
    program.ops.push_back(std::move(op));
  }
  program.routes = sorted_routes(std::move(info.routes), id_of);
  program.decode = renumber(std::move(info.decode), id_of);
  program.prefill = renumber(std::move(info.prefill), id_of);
  return program;
}

}  // namespace neurokv::passes

#include "compiler/passes/lower.hpp"

#include <algorithm>
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

}  // namespace

ir::Program lower(const Graph& graph, const HwConfig& hw) {
  const graph::ProgramInfo& info = graph[boost::graph_bundle];
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
  program.buffers = info.buffers;

  std::vector<int> id_of(boost::num_vertices(graph), -1);
  for (std::size_t i = 0; i < info.decode.size(); ++i)
    id_of[static_cast<std::size_t>(info.decode[i].op)] = static_cast<int>(i);
  for (const ir::Step& step : info.decode) {
    const Vertex v = static_cast<Vertex>(step.op);
    ir::Op op = graph[v];
    op.id = id_of[v];
    if (op.tied_to >= 0) op.tied_to = id_of[static_cast<std::size_t>(op.tied_to)];
    op.inputs.clear();
    for (graph::Edge e : graph::inputs_by_slot(graph, v)) op.inputs.push_back(id_of[boost::source(e, graph)]);
    program.ops.push_back(std::move(op));
  }
  program.routes = info.routes;
  for (ir::Route& r : program.routes) {
    r.src_op = id_of[static_cast<std::size_t>(r.src_op)];
    r.dst_op = id_of[static_cast<std::size_t>(r.dst_op)];
  }
  std::sort(program.routes.begin(), program.routes.end(), [](const ir::Route& a, const ir::Route& b) {
    return std::tie(a.src_op, a.src_tile, a.dst_op) < std::tie(b.src_op, b.src_tile, b.dst_op);
  });
  program.decode = renumber(info.decode, id_of);
  program.prefill = renumber(info.prefill, id_of);
  return program;
}

}  // namespace neurokv::passes

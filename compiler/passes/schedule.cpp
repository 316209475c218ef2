#include "compiler/passes/schedule.hpp"

#include <algorithm>
#include <boost/graph/topological_sort.hpp>
#include <tuple>

namespace neurokv::passes {

void schedule(Graph& graph, Diagnostics& /*diagnostics*/) {
  using graph::Vertex;
  std::vector<Vertex> reverse_topo;
  boost::topological_sort(graph, std::back_inserter(reverse_topo));
  std::vector<int> wave(boost::num_vertices(graph), 0);
  for (auto it = reverse_topo.rbegin(); it != reverse_topo.rend(); ++it) {
    for (graph::Edge e : boost::make_iterator_range(boost::in_edges(*it, graph))) {
      wave[*it] = std::max(wave[*it], wave[boost::source(e, graph)] + 1);
    }
  }
  std::vector<Vertex> order(reverse_topo.rbegin(), reverse_topo.rend());
  std::sort(order.begin(), order.end(),
            [&](Vertex a, Vertex b) { return std::tie(wave[a], a) < std::tie(wave[b], b); });
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  info.decode.clear();
  for (Vertex v : order) {
    ir::Step step;
    step.op = static_cast<int>(v);
    step.wave = wave[v];
    for (graph::Edge e : boost::make_iterator_range(boost::in_edges(v, graph))) {
      step.waits.push_back(static_cast<int>(boost::source(e, graph)));
    }
    std::sort(step.waits.begin(), step.waits.end());
    step.waits.erase(std::unique(step.waits.begin(), step.waits.end()), step.waits.end());
    info.decode.push_back(std::move(step));
  }
  info.prefill = info.decode;
  for (ir::Step& step : info.prefill)
    step.last_token_only = graph[static_cast<Vertex>(step.op)].role == ir::LinearRole::LmHead;
}

}  // namespace neurokv::passes

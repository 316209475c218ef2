#pragma once
// A stable, line-per-item debug text of a Graph, for golden tests and docs: a header, one line per op in
// vertex order (its tiles indented below it), then buffers, routes and schedule steps once the passes have
// made them.
#include <string>

#include "compiler/graph/graph.hpp"

namespace neurokv::graph {

std::string graph_to_text(const Graph& graph);

}  // namespace neurokv::graph

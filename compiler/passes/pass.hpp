#pragma once
// What every pass shares: a pass transforms a Graph in place (with the chip or options it needs); decisions
// worth telling the user are appended to `diagnostics` as notes. In place because Boost's adjacency_list has
// no move constructor: a pass taking and returning the graph by value copied it twice (23 % of a structural
// sweep's time, docs/performance.md).
#include "compiler/graph/graph.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv::passes {

using graph::Graph;

}  // namespace neurokv::passes

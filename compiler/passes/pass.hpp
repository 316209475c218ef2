#pragma once
// What every pass shares: a pass is a function of a Graph (and the chip or options it needs) returning the
// transformed Graph; decisions worth telling the user are appended to `diagnostics` as notes.
#include "compiler/graph/graph.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv::passes {

using graph::Graph;

}  // namespace neurokv::passes

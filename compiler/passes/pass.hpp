#pragma once
// What every pass shares: a pass is a function of a Graph (and the chip or options it needs) returning the
// transformed Graph; decisions worth telling the user are appended to `notes`.
#include <string>
#include <vector>

#include "compiler/graph/graph.hpp"

namespace neurokv::passes {

using graph::Graph;
using Notes = std::vector<std::string>;

}  // namespace neurokv::passes

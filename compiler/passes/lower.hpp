#pragma once
// Lowers the scheduled Graph to the Event IR: ops get dense ids in decode-schedule order, and every op
// reference (inputs, tied_to, routes, steps) is renumbered from vertex indices to those ids. The last stage
// of the pipeline: it moves the ops, buffers, routes and steps out of `graph` rather than copy them.
#include "compiler/config/hw_config.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

ir::Program lower(Graph& graph, const HwConfig& hw);

}  // namespace neurokv::passes

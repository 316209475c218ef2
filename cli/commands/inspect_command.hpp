#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv inspect model.onnx`: the shapes, per-layer attention variant and parameter count the ONNX frontend
// reads from a model, with its warnings.
void add_inspect_command(CLI::App& app);

}  // namespace neurokv::cli

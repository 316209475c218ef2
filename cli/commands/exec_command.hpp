#pragma once
#include <CLI/CLI.hpp>

namespace neurokv::cli {

// `neurokv exec --model M (--ids LIST|FILE | --text FILE)`: runs the compiled model on token ids with its
// real weights (simulator/functional/) and prints the most likely next tokens, loss and perplexity, and the
// densities measured at each site.
void add_exec_command(CLI::App& app);

}  // namespace neurokv::cli

#pragma once
#include <string>
#include <vector>

namespace neurokv::cli {

// Runs gnuplot on each script inside `dir` (scripts name their files relative to it). Returns false, having
// said why on stderr, when gnuplot is not installed or a script fails; the data and scripts stay for a rerun.
bool run_gnuplot(const std::string& dir, const std::vector<std::string>& scripts);

}  // namespace neurokv::cli

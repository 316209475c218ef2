#pragma once
// Sweep progress on stderr: a redrawn bar on a terminal, plain lines (at most one every few seconds)
// otherwise.
#include <chrono>

#include "sweep/runner.hpp"

namespace neurokv::cli {

class ProgressPrinter {
 public:
  ProgressPrinter();
  void update(const sweep::Progress& progress);
  void finish();  // ends the bar's line

 private:
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace neurokv::cli

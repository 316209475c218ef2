#pragma once
// Collects a file's problems so one run reports them all: each check that throws InputError adds its message;
// at the end one InputError carries them, one per line.
#include <string>
#include <vector>

#include "compiler/support/error.hpp"

namespace neurokv {

class ProblemList {
 public:
  // Runs `check`; an InputError it throws is kept and the run goes on. Returns whether it passed.
  template <class Check>
  bool check(Check&& check) {
    try {
      check();
      return true;
    } catch (const InputError& e) {
      problems_.emplace_back(e.what());
      return false;
    }
  }

  void add(std::string problem) { problems_.push_back(std::move(problem)); }
  bool empty() const { return problems_.empty(); }

  // Throws one InputError holding every problem, one per line, in the order found.
  void throw_if_any() const {
    if (problems_.empty()) return;
    std::string message;
    for (const std::string& problem : problems_) message += (message.empty() ? "" : "\n") + problem;
    throw InputError(message);
  }

 private:
  std::vector<std::string> problems_;
};

}  // namespace neurokv

#pragma once
// Evaluate options the simulator tests share.
#include <cstdint>

#include "simulator/evaluate/evaluate.hpp"

namespace neurokv::test {

// One fidelity, a prefill of `prompt` tokens, then `tokens` decode tokens.
inline EvaluateOptions at(Fidelity fidelity, int64_t prompt, int64_t tokens) {
  EvaluateOptions options;
  options.fidelity = fidelity;
  options.prompt = prompt;
  options.tokens = tokens;
  return options;
}

}  // namespace neurokv::test

#pragma once
// Chooses the weight, activation and KV-cache widths and stamps them on ops, tensors and buffers.
// 0 means: the widest width the chip supports (weights, activations); for the KV cache, the narrowest width
// the chip supports that is at least the activation width (the activation width itself when the chip lists
// it).
#include "compiler/config/hw_config.hpp"
#include "compiler/passes/pass.hpp"

namespace neurokv::passes {

struct BitWidths {
  int weight_bits = 0;
  int act_bits = 0;
  int kv_bits = 0;
};

// Throws InputError naming the flag, the value and the chip's supported list for a width the chip lacks, or,
// when the KV width was not given, saying so when no KV width is as wide as the activations.
void quantize(Graph& graph, const HwConfig& hw, const BitWidths& requested, Diagnostics& diagnostics);

}  // namespace neurokv::passes

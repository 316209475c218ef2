#pragma once
// The weights an executor reads, per program op, in the orientation an event-driven NP uses them: one input
// event (a non-zero input j) fans out to every output channel of a tile, so a Linear's weight is held
// input-major, [in][out], and a tile reads the slice [out_begin, out_end) of row j. Embedding tables stay
// [rows][d_model] (a token reads one row).
#include <cstdint>
#include <vector>

#include "compiler/config/model_weights.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/weights/weights_file.hpp"

namespace neurokv::functional {

struct OpTensor {
  int64_t in = 0, out = 0;
  std::vector<float>
      by_input;             // Linear: [in][out]; Embed/PosEmbed: the table [rows][out]; LayerNorm: gain [out]
  std::vector<float> bias;  // [out], empty when the op has none
  // Integer numerics, Linear: the .nkw codes input-major in pairs of inputs and blocks of kOutputBlock
  // outputs, [⌈out/kOutputBlock⌉][⌈in/2⌉][kOutputBlock][2]: inputs 2p and 2p + 1 side by side for every
  // output (what a pairwise multiply-add reads, simulator/functional/int_rows.hpp), each block's rows
  // contiguous, the last pair and the last block padded with 0; and one scale per output channel.
  std::vector<int8_t> codes;
  std::vector<float> scales;

  const float* row(int64_t j) const { return by_input.data() + j * out; }
};

// One entry per program op (empty for weightless ops). A tied LM head reads its embedding's table. Throws
// InputError naming the op when the model lacks its weights or their shape is not the op's.
std::vector<OpTensor> float_op_tensors(const ir::Program& program, const ModelWeights& weights);

// The same from a program's weights file (.nkw): Linear ops keep their integer codes and channel scales;
// tables, LayerNorm gains and biases are the codes × their scales (what the NP reads is the code; the
// executor keeps the value it stands for). Throws InputError naming the op when the file lacks it.
std::vector<OpTensor> int_op_tensors(const ir::Program& program, const weights::WeightsFile& file);

}  // namespace neurokv::functional

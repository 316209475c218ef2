#pragma once
// A CNN layer (compiler/config/cnn_spec.hpp) as an Event IR op, and back: the one place that says which op
// field holds which layer field, so the frontend that builds a CNN's graph and the per-frame cost of a
// compiled program read the same layer. Weight sizes and MACs stay cnn_spec's, computed on cnn_layer_of(op).
#include <cstdint>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::ir {

// The op of layer `index`: name, kind, layer, shapes, kernel, stride, pad, pooling, ReLU, widths, bias,
// BatchNorm and input density; no id, inputs or tiles. The input layer (`input_conv`) is a conv2d: what
// makes it the HRC's is its tile (Tile::on_hrc). Throws InputError for a layer the IR cannot state: an even
// kernel with 'same' padding (Keras pads it unevenly; `pad` is the same on both sides).
Op cnn_layer_op(const CnnLayer& layer, int index);

// The layer an op of a CNN kind states; InputConv when its tile is on the HRC. The model's `input_density`
// is already resolved into the op.
CnnLayer cnn_layer_of(const Op& op);

// A convolution's output side, floor((in + 2·pad − kernel) / stride) + 1; 0 when the kernel does not fit.
int64_t conv_output_side(int64_t in, int kernel, int stride, int pad);
// The side after pooling a convolution's output side `conv`.
int64_t pooled_side(int64_t conv, Pooling pool, int size, int stride);

// For the per-token paths (work, the functional executor), which CNN programs do not reach (study refuses
// them first): throws RunError naming the op and `what` does not take it.
[[noreturn]] void refuse_cnn_layer(const Op& op, const char* what);

// Whether the op's sizes are within what a CNN model may declare (sides ≤ 2^14, channels ≤ 2^16, kernel ≤ 31,
// 1 to 8-bit weights): its weight sizes are computed only then (a hand-written file may hold anything).
bool cnn_sizes_bounded(const Op& op);

}  // namespace neurokv::ir

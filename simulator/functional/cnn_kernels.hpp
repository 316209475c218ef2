#pragma once
// The arithmetic of a CNN layer's tile (docs/executor.md "CNN execution"): a k×k convolution, a depthwise one
// and a dense product over the output rows and channels a tile owns, written once for both numerics. Maps are
// height × width × channels in HWC order. `In` is what the input holds (float values, or integer codes), `W`
// the kernel's (float values, or integer codes), `Acc` what an output sums in (float, or int64: exact), and
// `finish(channel, sum)` turns a sum into the output's potential (adds the bias; integer numerics scale the
// sum by the input's step and the channel's weight scale first). Every output is summed in one fixed order
// (kernel row, kernel column, input channel), so a tile's outputs do not depend on the other tiles.
#include <cstdint>

#include "compiler/config/cnn_spec.hpp"

namespace neurokv::functional {

// A convolution's window: kernel k, stride s, `pad` zeros on each side (rows and columns alike).
struct ConvWindow {
  int kernel = 1, stride = 1, pad = 0;
  // The first input row (column) output row (column) `y` reads; rows outside the map read zeros.
  int64_t first(int64_t y) const { return y * stride - pad; }
};

// Calls tap(offset, dy, dx) for every kernel position (dy, dx) of output (y, x) that lies inside the map
// (positions outside read zeros: padding), `offset` being that input pixel's first channel in the HWC map.
template <class Tap>
void for_each_tap(const Shape3& in_shape, const ConvWindow& window, int64_t y, int64_t x, Tap tap) {
  for (int64_t dy = 0; dy < window.kernel; ++dy) {
    const int64_t iy = window.first(y) + dy;
    if (iy < 0 || iy >= in_shape.height) continue;
    for (int64_t dx = 0; dx < window.kernel; ++dx) {
      const int64_t ix = window.first(x) + dx;
      if (ix < 0 || ix >= in_shape.width) continue;
      tap((iy * in_shape.width + ix) * in_shape.channels, dy, dx);
    }
  }
}

// Output rows [y0, y1) × filters [f0, f1) of a convolution over every input channel: `w` is
// [filters][in channels][k][k] (ONNX), `out` the potentials map of `out_channels` channels and `out_width`
// columns whose row 0 is output row y0.
template <class In, class W, class Acc, class Finish>
void conv_rows(const In* in, const Shape3& in_shape, const ConvWindow& window, const W* w, int64_t y0,
               int64_t y1, int64_t f0, int64_t f1, int64_t out_width, int64_t out_channels, double* out,
               Finish finish) {
  const int64_t k = window.kernel, channels = in_shape.channels;
  for (int64_t y = y0; y < y1; ++y) {
    for (int64_t x = 0; x < out_width; ++x) {
      for (int64_t f = f0; f < f1; ++f) {
        Acc sum = 0;
        const W* filter = w + f * channels * k * k;
        for_each_tap(in_shape, window, y, x, [&](int64_t offset, int64_t dy, int64_t dx) {
          for (int64_t c = 0; c < channels; ++c)
            sum += static_cast<Acc>(in[offset + c] * filter[(c * k + dy) * k + dx]);
        });
        out[((y - y0) * out_width + x) * out_channels + f] = finish(f, sum);
      }
    }
  }
}

// Output rows [y0, y1) × channels [c0, c1) of a depthwise convolution, each channel by its own kernel: `w` is
// [channels][1][k][k]; `out` as conv_rows's, with the input's channel count.
template <class In, class W, class Acc, class Finish>
void depthwise_rows(const In* in, const Shape3& in_shape, const ConvWindow& window, const W* w, int64_t y0,
                    int64_t y1, int64_t c0, int64_t c1, int64_t out_width, double* out, Finish finish) {
  const int64_t k = window.kernel, channels = in_shape.channels;
  for (int64_t y = y0; y < y1; ++y) {
    for (int64_t x = 0; x < out_width; ++x) {
      for (int64_t c = c0; c < c1; ++c) {
        Acc sum = 0;
        for_each_tap(in_shape, window, y, x, [&](int64_t offset, int64_t dy, int64_t dx) {
          sum += static_cast<Acc>(in[offset + c] * w[(c * k + dy) * k + dx]);
        });
        out[((y - y0) * out_width + x) * channels + c] = finish(c, sum);
      }
    }
  }
}

// Units [u0, u1) of a dense layer: `w` is [units][inputs] over the input flattened in C, H, W order (ONNX's
// Flatten of NCHW), while the map is HWC; `out` holds one potential per unit.
template <class In, class W, class Acc, class Finish>
void dense_units(const In* in, const Shape3& in_shape, const W* w, int64_t u0, int64_t u1, double* out,
                 Finish finish) {
  const int64_t plane = in_shape.height * in_shape.width, inputs = plane * in_shape.channels;
  for (int64_t u = u0; u < u1; ++u) {
    Acc sum = 0;
    const W* row = w + u * inputs;
    for (int64_t c = 0; c < in_shape.channels; ++c) {
      for (int64_t p = 0; p < plane; ++p)
        sum += static_cast<Acc>(in[p * in_shape.channels + c] * row[c * plane + p]);
    }
    out[u] = finish(u, sum);
  }
}

}  // namespace neurokv::functional

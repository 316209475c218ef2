#include "simulator/functional/cnn_executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/support/error.hpp"
#include "simulator/functional/cnn_kernels.hpp"
#include "simulator/functional/cnn_weights.hpp"

namespace neurokv::functional {
namespace {

// The input of the network: 8-bit pixels scaled to [0, 1] (AkidaNet's input_scaling (255, 0)); integer
// numerics read the byte itself as an unsigned code of that step.
constexpr double kPixelStep = 1.0 / 255.0;

// One kernel tensor as a numerics reads it: float values, or integer codes of the op's weight width with one
// scale per output channel (value ≈ code × scale), and the bias (zeros when the op has none).
struct Kernel {
  std::vector<float> values;
  std::vector<int32_t> codes;
  std::vector<double> scale;
  std::vector<float> bias;
  ConvWindow window;
};

// Symmetric per-channel quantisation to `bits`: step max|w| / (2^(bits−1) − 1), codes in ±(2^(bits−1) − 1).
// One bit has no such grid; it is given the ternary one {−1, 0, 1} (no shipped model has 1-bit weights).
void quantise_weights(Kernel& k, int64_t channels, int bits) {
  const int64_t per_channel = static_cast<int64_t>(k.values.size()) / channels;
  const int levels = std::max(1, (1 << (bits - 1)) - 1);
  k.codes.resize(k.values.size());
  k.scale.assign(static_cast<std::size_t>(channels), 0.0);
  for (int64_t c = 0; c < channels; ++c) {
    const float* w = k.values.data() + c * per_channel;
    float max_abs = 0;
    for (int64_t i = 0; i < per_channel; ++i) max_abs = std::max(max_abs, std::abs(w[i]));
    const double step = max_abs > 0 ? static_cast<double>(max_abs) / levels : 1.0;
    k.scale[static_cast<std::size_t>(c)] = step;
    for (int64_t i = 0; i < per_channel; ++i) {
      k.codes[static_cast<std::size_t>(c * per_channel + i)] =
          static_cast<int32_t>(std::clamp<double>(std::round(w[i] / step), -levels, levels));
    }
  }
}

std::vector<Kernel> op_kernels(const ir::Op& op, const ModelWeights& weights, Numerics numerics) {
  std::vector<Kernel> kernels;
  for (const CnnWeightEntry& e : cnn_weight_entries(op)) {
    const OpWeights& w = weights.at(e.key);
    Kernel k;
    k.values = w.weight.values;
    k.bias =
        w.bias.numel() > 0 ? w.bias.values : std::vector<float>(static_cast<std::size_t>(e.dims.front()), 0);
    // The depthwise part of a separable layer strides; its pointwise part reads what it computed.
    const bool strides = op.kind != ir::OpKind::Separable || e.key != op.name;
    k.window = strides ? ConvWindow{op.kernel, op.stride, op.pad} : ConvWindow{1, 1, 0};
    if (numerics == Numerics::Int) quantise_weights(k, e.dims.front(), op.weight_bits);
    kernels.push_back(std::move(k));
  }
  return kernels;
}

// The rows a tile computes and receives (docs/executor.md "CNN events"): the output rows whose window's
// centre row lies in its band [row_begin, row_end) of input rows, and the band together with every row those
// windows read (its halo). A dense tile computes its units from the whole input.
CnnTileEvents tile_geometry(const ir::Op& op, const ir::Tile& tile) {
  CnnTileEvents t;
  const bool depthwise = op.kind == ir::OpKind::Depthwise;
  t.channel_begin = depthwise ? tile.out_begin : 0;
  t.channel_end = depthwise ? tile.out_end : op.in_features;
  if (op.kind == ir::OpKind::Dense) {
    t.out_row_end = 1;
    t.read_row_end = op.in_height;
    return t;
  }
  const int64_t conv_height = ir::conv_output_side(op.in_height, op.kernel, op.stride, op.pad);
  const int64_t centre = (op.kernel - 1) / 2 - op.pad;  // output row y's centre is y × stride + centre
  const auto first_centred_at = [&](int64_t row) {      // the first output row whose centre is ≥ row
    const int64_t span = row - centre;
    const int64_t y = span <= 0 ? 0 : (span + op.stride - 1) / op.stride;
    return std::min(y, conv_height);
  };
  t.out_row_begin = first_centred_at(tile.row_begin);
  t.out_row_end = first_centred_at(tile.row_end);
  t.read_row_begin = tile.row_begin;
  t.read_row_end = tile.row_end;
  if (t.out_row_begin < t.out_row_end) {
    const ConvWindow window{op.kernel, op.stride, op.pad};
    t.read_row_begin = std::min(t.read_row_begin, std::max<int64_t>(0, window.first(t.out_row_begin)));
    t.read_row_end =
        std::max(t.read_row_end, std::min(op.in_height, window.first(t.out_row_end - 1) + op.kernel));
  }
  return t;
}

// A layer's input: values (float numerics) or codes of `step` (integer numerics), height × width × channels.
template <class In>
struct Map {
  Shape3 shape;
  std::vector<In> values;
  double step = 1;
};

// Non-zero inputs of each row and channel: [row][channel].
template <class In>
std::vector<int64_t> nonzero_per_row(const Map<In>& in) {
  const Shape3& s = in.shape;
  std::vector<int64_t> counts(static_cast<std::size_t>(s.height * s.channels), 0);
  for (int64_t y = 0; y < s.height; ++y) {
    for (int64_t i = 0; i < s.width * s.channels; ++i) {
      if (in.values[static_cast<std::size_t>(y * s.width * s.channels + i)] != In{0})
        ++counts[static_cast<std::size_t>(y * s.channels + i % s.channels)];
    }
  }
  return counts;
}

int64_t count_rows(const std::vector<int64_t>& per_row, int64_t channels, int64_t row_begin, int64_t row_end,
                   int64_t channel_begin, int64_t channel_end) {
  int64_t n = 0;
  for (int64_t y = row_begin; y < row_end; ++y) {
    for (int64_t c = channel_begin; c < channel_end; ++c)
      n += per_row[static_cast<std::size_t>(y * channels + c)];
  }
  return n;
}

// Float numerics: sums in fp32, the bias added in fp32. Integer: the exact sum times the input's step and the
// channel's weight scale, plus the bias, in double.
template <class In>
auto finisher(const Kernel& k, [[maybe_unused]] double in_step) {
  if constexpr (std::is_same_v<In, float>) {
    return [&k](int64_t c, auto sum) -> double {
      return static_cast<double>(static_cast<float>(sum) + k.bias[static_cast<std::size_t>(c)]);
    };
  } else {
    return [&k, in_step](int64_t c, auto sum) -> double {
      const auto i = static_cast<std::size_t>(c);
      return static_cast<double>(sum) * in_step * k.scale[i] + k.bias[i];
    };
  }
}

// Float numerics read float values, integer numerics the codes.
template <class In>
using Weight = std::conditional_t<std::is_same_v<In, float>, float, int32_t>;

template <class In>
const Weight<In>* kernel_data(const Kernel& k) {
  if constexpr (std::is_same_v<In, float>) {
    return k.values.data();
  } else {
    return k.codes.data();
  }
}

// Float sums in fp32; integer codes in int64 (exact); a separable layer's pointwise part sums the depthwise
// potentials (unquantised, as the NP keeps them) in fp32 or double.
template <class In>
using Sum = std::conditional_t<std::is_same_v<In, float>, float, int64_t>;
template <class In>
using PotentialSum = std::conditional_t<std::is_same_v<In, float>, float, double>;

// One tile's outputs into the layer's potentials map (conv_out height × width × filters, before pooling).
template <class In>
void run_tile(const ir::Op& op, const ir::Tile& tile, const CnnTileEvents& rows,
              const std::vector<Kernel>& kernels, const Map<In>& in, std::vector<double>& potentials) {
  const int64_t out_width =
      op.kind == ir::OpKind::Dense ? 1 : ir::conv_output_side(op.in_width, op.kernel, op.stride, op.pad);
  const int64_t y0 = rows.out_row_begin, y1 = rows.out_row_end, f0 = tile.out_begin, f1 = tile.out_end;
  const Kernel& k = kernels.front();
  double* out = potentials.data() + y0 * out_width * op.out_features;
  switch (op.kind) {
    case ir::OpKind::Conv2d:
    case ir::OpKind::Pointwise:
      conv_rows<In, Weight<In>, Sum<In>>(in.values.data(), in.shape, k.window, kernel_data<In>(k), y0, y1, f0,
                                         f1, out_width, op.out_features, out, finisher<In>(k, in.step));
      break;
    case ir::OpKind::Depthwise:
      depthwise_rows<In, Weight<In>, Sum<In>>(in.values.data(), in.shape, k.window, kernel_data<In>(k), y0,
                                              y1, f0, f1, out_width, out, finisher<In>(k, in.step));
      break;
    case ir::OpKind::Separable: {
      // Every NP of the layer holds all its depthwise kernels: the tile computes them for its rows, then its
      // filters' pointwise sums over them.
      const int64_t channels = op.in_features;
      std::vector<double> depthwise(static_cast<std::size_t>((y1 - y0) * out_width * channels));
      depthwise_rows<In, Weight<In>, Sum<In>>(in.values.data(), in.shape, k.window, kernel_data<In>(k), y0,
                                              y1, 0, channels, out_width, depthwise.data(),
                                              finisher<In>(k, in.step));
      const Kernel& pointwise = kernels.back();
      conv_rows<double, Weight<In>, PotentialSum<In>>(depthwise.data(), Shape3{y1 - y0, out_width, channels},
                                                      pointwise.window, kernel_data<In>(pointwise), 0,
                                                      y1 - y0, f0, f1, out_width, op.out_features, out,
                                                      finisher<In>(pointwise, 1.0));
      break;
    }
    case ir::OpKind::Dense:
      dense_units<In, Weight<In>, Sum<In>>(in.values.data(), in.shape, kernel_data<In>(k), f0, f1,
                                           potentials.data(), finisher<In>(k, in.step));
      break;
    default:
      throw RunError(
          fmt::format("op %{} {} is a {}, not a CNN layer", op.id, op.name, ir::to_string(op.kind)));
  }
}

// The layer's pooling of its potentials map: windows of pool_size at pool_stride (no padding), or the mean
// of every position (global average).
std::vector<double> pool(const ir::Op& op, const Shape3& conv, const std::vector<double>& potentials) {
  if (op.pool == ir::Pooling::None) return potentials;
  const int64_t channels = conv.channels;
  std::vector<double> out(static_cast<std::size_t>(op.out_height * op.out_width * channels), 0.0);
  if (op.pool == ir::Pooling::GlobalAvg) {
    for (int64_t p = 0; p < conv.height * conv.width; ++p) {
      for (int64_t c = 0; c < channels; ++c)
        out[static_cast<std::size_t>(c)] += potentials[static_cast<std::size_t>(p * channels + c)];
    }
    for (double& v : out) v /= static_cast<double>(conv.height * conv.width);
    return out;
  }
  const bool max = op.pool == ir::Pooling::Max;
  for (int64_t y = 0; y < op.out_height; ++y) {
    for (int64_t x = 0; x < op.out_width; ++x) {
      for (int64_t c = 0; c < channels; ++c) {
        double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
        for (int64_t dy = 0; dy < op.pool_size; ++dy) {
          for (int64_t dx = 0; dx < op.pool_size; ++dx) {
            const double v = potentials[static_cast<std::size_t>(
                ((y * op.pool_stride + dy) * conv.width + x * op.pool_stride + dx) * channels + c)];
            acc = max ? std::max(acc, v) : acc + v;
          }
        }
        out[static_cast<std::size_t>((y * op.out_width + x) * channels + c)] =
            max ? acc : acc / (op.pool_size * op.pool_size);
      }
    }
  }
  return out;
}

double activate(const ir::Op& op, double x) {
  switch (op.relu) {
    case ir::Relu::No:
      return x;
    case ir::Relu::Yes:
      return std::max(x, 0.0);
    case ir::Relu::Bounded:
      return std::clamp(x, 0.0, op.relu_bound);
  }
  return x;
}

// The codes an output takes: unsigned 0 .. 2^bits − 1 after a ReLU, else signed ±(2^(bits−1) − 1).
std::pair<double, double> code_range(const ir::Op& op) {
  if (op.relu != ir::Relu::No) return {0.0, static_cast<double>((1 << op.act_bits) - 1)};
  const double levels = std::max(1, (1 << (op.act_bits - 1)) - 1);
  return {-levels, levels};
}

// Integer numerics' output step: a bounded ReLU's bound over the unsigned codes (the range it fixes, as
// Akida's quantised ReLU does), else the largest |output| of the float run over the codes (max calibration).
double output_step(const ir::Op& op, double max_abs) {
  const double top = code_range(op).second;
  if (op.relu == ir::Relu::Bounded) return op.relu_bound / top;
  return max_abs > 0 ? max_abs / top : 1.0;
}

struct FrameResult {
  std::vector<std::vector<int64_t>> band, halo;  // [op][tile]
  std::vector<int64_t> events;                   // [op]
  std::vector<double> max_abs;                   // [op]
  std::vector<float> output;
};

template <class In>
FrameResult run_frame(const ir::Program& program, const std::vector<std::vector<Kernel>>& kernels,
                      const std::vector<std::vector<CnnTileEvents>>& geometry,
                      const std::vector<double>& steps, const CnnFrames& frames, int64_t frame) {
  FrameResult r;
  Map<In> in{frames.shape, std::vector<In>(static_cast<std::size_t>(frames.shape.elements())),
             std::is_same_v<In, float> ? 1.0 : kPixelStep};
  const uint8_t* pixels = frames.frame(frame);
  for (std::size_t i = 0; i < in.values.size(); ++i) {
    if constexpr (std::is_same_v<In, float>) {
      in.values[i] = static_cast<float>(pixels[i] * kPixelStep);
    } else {
      in.values[i] = pixels[i];
    }
  }
  for (std::size_t o = 0; o < program.ops.size(); ++o) {
    const ir::Op& op = program.ops[o];
    const std::vector<int64_t> per_row = nonzero_per_row(in);
    r.events.push_back(count_rows(per_row, op.in_features, 0, op.in_height, 0, op.in_features));
    r.band.emplace_back();
    r.halo.emplace_back();
    const bool dense = op.kind == ir::OpKind::Dense;
    const Shape3 conv =
        dense ? Shape3{1, 1, op.out_features}
              : Shape3{ir::conv_output_side(op.in_height, op.kernel, op.stride, op.pad),
                       ir::conv_output_side(op.in_width, op.kernel, op.stride, op.pad), op.out_features};
    std::vector<double> potentials(static_cast<std::size_t>(conv.elements()), 0.0);
    for (std::size_t t = 0; t < op.tiles.size(); ++t) {
      const CnnTileEvents& g = geometry[o][t];
      const int64_t band = count_rows(per_row, op.in_features, op.tiles[t].row_begin, op.tiles[t].row_end,
                                      g.channel_begin, g.channel_end);
      r.band.back().push_back(band);
      r.halo.back().push_back(count_rows(per_row, op.in_features, g.read_row_begin, g.read_row_end,
                                         g.channel_begin, g.channel_end) -
                              band);
      run_tile(op, op.tiles[t], g, kernels[o], in, potentials);
    }
    std::vector<double> out = pool(op, conv, potentials);
    double max_abs = 0;
    for (double& v : out) {
      v = activate(op, v);
      max_abs = std::max(max_abs, std::abs(v));
    }
    r.max_abs.push_back(max_abs);
    if (o + 1 == program.ops.size()) {  // the network's output: potentials, unquantised
      r.output.assign(out.begin(), out.end());
      break;
    }
    Map<In> next{Shape3{op.out_height, op.out_width, op.out_features}, std::vector<In>(out.size()), steps[o]};
    const auto [lo, hi] = code_range(op);
    for (std::size_t i = 0; i < out.size(); ++i) {
      if constexpr (std::is_same_v<In, float>) {
        next.values[i] = static_cast<float>(out[i]);
      } else {
        next.values[i] = static_cast<In>(std::clamp(std::round(out[i] / steps[o]), lo, hi));
      }
    }
    in = std::move(next);
  }
  return r;
}

template <class In>
CnnExecution run_frames(const ir::Program& program, const std::vector<std::vector<Kernel>>& kernels,
                        const std::vector<double>& steps, const CnnFrames& frames, const Workers& workers) {
  CnnExecution e;
  e.frames = frames.count();
  std::vector<std::vector<CnnTileEvents>> geometry;
  for (const ir::Op& op : program.ops) {
    CnnLayerEvents layer;
    layer.name = op.name;
    layer.on_hrc = op.tiles.front().on_hrc;
    layer.offered = e.frames * op.in_height * op.in_width * op.in_features;
    for (const ir::Tile& tile : op.tiles) layer.tiles.push_back(tile_geometry(op, tile));
    geometry.push_back(layer.tiles);
    e.layers.push_back(std::move(layer));
  }
  std::vector<FrameResult> results(static_cast<std::size_t>(e.frames));
  workers.split(e.frames, [&](int64_t begin, int64_t end) {
    for (int64_t f = begin; f < end; ++f)
      results[static_cast<std::size_t>(f)] = run_frame<In>(program, kernels, geometry, steps, frames, f);
  });
  e.max_abs.assign(program.ops.size(), 0.0);
  for (const FrameResult& r : results) {  // in frame order: the sums do not depend on the threads
    for (std::size_t o = 0; o < e.layers.size(); ++o) {
      CnnLayerEvents& layer = e.layers[o];
      layer.events += r.events[o];
      for (std::size_t t = 0; t < layer.tiles.size(); ++t) {
        layer.tiles[t].band_events += r.band[o][t];
        layer.tiles[t].halo_events += r.halo[o][t];
      }
      e.max_abs[o] = std::max(e.max_abs[o], r.max_abs[o]);
    }
    e.outputs.push_back(r.output);
  }
  return e;
}

// Throws InputError for a program that is not a CNN's, frames of another shape, or weights out of layout.
void check_inputs(const ir::Program& program, const ModelWeights& weights, const CnnFrames& frames,
                  const std::string& where) {
  if (program.model.network != ir::Network::Cnn || program.ops.empty()) {
    throw InputError(fmt::format("{}: a {} program, expected a CNN program (network=cnn)", program.model.name,
                                 ir::to_string(program.model.network)));
  }
  const ir::Op& first = program.ops.front();
  if (frames.shape.height != first.in_height || frames.shape.width != first.in_width ||
      frames.shape.channels != first.in_features) {
    throw InputError(fmt::format("{}: frames of {}x{}x{}, expected the model's input {}x{}x{}", frames.source,
                                 frames.shape.height, frames.shape.width, frames.shape.channels,
                                 first.in_height, first.in_width, first.in_features));
  }
  check_cnn_weights(program, weights, where);
}

CnnExecution float_run(const ir::Program& program, const ModelWeights& weights, const CnnFrames& frames,
                       const Workers& workers) {
  std::vector<std::vector<Kernel>> float_kernels;
  for (const ir::Op& op : program.ops) float_kernels.push_back(op_kernels(op, weights, Numerics::Float));
  // A float map holds its values themselves: its step is 1.
  const std::vector<double> unit_steps(program.ops.size(), 1.0);
  CnnExecution reference = run_frames<float>(program, float_kernels, unit_steps, frames, workers);
  reference.numerics = Numerics::Float;
  return reference;
}

CnnExecution int_run(const ir::Program& program, const ModelWeights& weights, const CnnFrames& frames,
                     const CnnExecution& reference, const Workers& workers) {
  std::vector<std::vector<Kernel>> int_kernels;
  for (const ir::Op& op : program.ops) int_kernels.push_back(op_kernels(op, weights, Numerics::Int));
  std::vector<double> steps;
  for (std::size_t o = 0; o + 1 < program.ops.size(); ++o)
    steps.push_back(output_step(program.ops[o], reference.max_abs[o]));
  steps.push_back(0);
  CnnExecution result = run_frames<int32_t>(program, int_kernels, steps, frames, workers);
  result.numerics = Numerics::Int;
  result.steps = steps;
  return result;
}

}  // namespace

int CnnExecution::top_class(int64_t frame) const {
  const std::vector<float>& out = outputs.at(static_cast<std::size_t>(frame));
  return static_cast<int>(std::max_element(out.begin(), out.end()) - out.begin());
}

CnnExecution execute_cnn(const ir::Program& program, const ModelWeights& weights, const CnnFrames& frames,
                         Numerics numerics, const Workers& workers, const std::string& where) {
  check_inputs(program, weights, frames, where);
  CnnExecution reference = float_run(program, weights, frames, workers);
  if (numerics == Numerics::Float) return reference;
  return int_run(program, weights, frames, reference, workers);
}

CnnExecution execute_cnn_int(const ir::Program& program, const ModelWeights& weights, const CnnFrames& frames,
                             const CnnExecution& reference, const Workers& workers,
                             const std::string& where) {
  check_inputs(program, weights, frames, where);
  if (reference.numerics != Numerics::Float || reference.max_abs.size() != program.ops.size() ||
      reference.frames != frames.count()) {
    throw std::logic_error("execute_cnn_int: the reference is not this program's float run on these frames");
  }
  return int_run(program, weights, frames, reference, workers);
}

}  // namespace neurokv::functional

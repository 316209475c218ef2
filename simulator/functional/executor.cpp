#include "simulator/functional/executor.hpp"

#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/support/error.hpp"
#include "simulator/functional/cached_codes.hpp"
#include "simulator/functional/float_activations.hpp"
#include "simulator/functional/float_kernels.hpp"
#include "simulator/functional/float_rows.hpp"
#include "simulator/functional/int_kernels.hpp"
#include "simulator/functional/int_rows.hpp"
#include "simulator/functional/token_ids.hpp"

namespace neurokv::functional {
namespace {

using ir::OpKind;
using Span = Eigen::Map<Eigen::VectorXf>;
using ConstSpan = Eigen::Map<const Eigen::VectorXf>;
// Cached KV rows of one head: [rows × head_dim], each row `stride` floats after the last.
using Stride = Eigen::Stride<Eigen::Dynamic, 1>;
using CachedRows =
    Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0, Stride>;

int64_t nonzeros(const float* x, int64_t begin, int64_t end) { return count_nonzero(x + begin, end - begin); }

int max_code(int bits) { return (1 << (bits - 1)) - 1; }

// The float Linear's outputs go to the threads in ranges of this many: two vectors of the widest target
// (AVX-512), so no range but the last has a narrower tail.
constexpr int64_t kFloatColumns = 32;

// Rounds every value to the nearest of the symmetric grid step × [−qmax, qmax]: what a `bits`-wide activation
// with that step can hold. The values stay floats, but each is exactly code × step.
void quantize(std::vector<float>& y, float max_abs, int bits) {
  const int qmax = max_code(bits);
  if (max_abs <= 0) {
    std::fill(y.begin(), y.end(), 0.0f);
    return;
  }
  const float step = max_abs / static_cast<float>(qmax);
  for (float& v : y) {
    const float code =
        std::clamp(std::nearbyint(v / step), static_cast<float>(-qmax), static_cast<float>(qmax));
    v = code * step;
  }
}

// The step of a `bits`-wide symmetric activation whose largest |value| is max_abs (0: every code is 0).
float step_of(float max_abs, int bits) { return max_abs / static_cast<float>(max_code(bits)); }

// The codes of quantised values (each exactly code × step). `Code`: int16_t holds every code of the widths
// integer numerics run (at most 16 bits, Executor's constructor), what the SIMD kernels take.
template <typename Code = int32_t>
std::vector<Code> codes_of(const float* values, int64_t count, float step) {
  std::vector<Code> codes(static_cast<std::size_t>(count), 0);
  if (step <= 0) return codes;
  for (int64_t i = 0; i < count; ++i)
    codes[static_cast<std::size_t>(i)] = static_cast<Code>(std::nearbyint(values[i] / step));
  return codes;
}

// Every buffer's empty codes, each of the buffer's width.
std::vector<CachedCodes> cache_codes_of(const ir::Program& program) {
  std::vector<CachedCodes> codes;
  for (const ir::Buffer& buffer : program.buffers) codes.emplace_back(buffer.bits);
  return codes;
}

}  // namespace

// One run's state: the current token's op outputs, the KV buffers' rows, the counts.
class Run {
 public:
  Run(const ir::Program& program, const std::vector<OpTensor>& tensors, const NumericsFacts& facts,
      const ActivationScales* scales, const Workers& workers)
      : p_(program),
        tensors_(tensors),
        facts_(facts),
        scales_(scales),
        workers_(workers),
        out_(program.ops.size()),
        cache_(program.buffers.size()),
        cache_codes_(cache_codes_of(program)),
        cache_step_(program.buffers.size(), 0.0f) {
    result_.kv_rows_read.assign(program.buffers.size(), 0);
    result_.weight_rows_read.assign(program.ops.size(), 0);
    result_.max_abs.assign(program.ops.size(), 0.0f);
    max_kv_bits_ = program.precision.act_bits;
    for (const ir::Buffer& buffer : program.buffers) max_kv_bits_ = std::max(max_kv_bits_, buffer.bits);
  }

  Execution finish() { return std::move(result_); }
  const Execution& execution() const { return result_; }
  int positions() const { return positions_; }

  // Every buffer holds `positions` rows, its last row repeated (Session::pad_cache).
  void pad_cache(int positions) {
    if (positions_ == 0) throw RunError("pad_cache: run a token first, its rows are the ones repeated");
    for (std::size_t b = 0; b < cache_.size(); ++b) {
      const ir::Buffer& buffer = p_.buffers[b];
      const std::size_t row =
          static_cast<std::size_t>(buffer.kv_heads) * static_cast<std::size_t>(buffer.head_dim);
      repeat_last(cache_[b], row, positions);
      if (scales_ != nullptr) cache_codes_[b].repeat_last(row, positions);
    }
    positions_ = positions;
  }
  // Drops every buffer's rows past `positions`.
  void rewind(int positions) {
    for (std::size_t b = 0; b < cache_.size(); ++b) {
      const ir::Buffer& buffer = p_.buffers[b];
      const std::size_t row =
          static_cast<std::size_t>(buffer.kv_heads) * static_cast<std::size_t>(buffer.head_dim);
      cache_[b].resize(std::min(cache_[b].size(), row * static_cast<std::size_t>(positions)));
      cache_codes_[b].resize(row * static_cast<std::size_t>(positions));
    }
    positions_ = std::min(positions_, positions);
  }

  // Runs `ids` at the next positions as one block: op after op in schedule order, each op for every position
  // of the block before the next op (a prefill's order; a decode step is a block of one). Causal attention
  // allows it: an op at position p reads only its inputs at p and the KV rows 0..p, which the block's
  // kv_appends have written before any kv_read runs. The float Linears multiply the block's rows at once
  // (multiply_rows); every other op runs position by position, as a token-by-token run would.
  void tokens(const int* ids, int count, bool keep_outputs) {
    const int first = positions_;
    block_end_ = first + count;
    for (std::vector<std::vector<float>>& rows : out_) rows.assign(static_cast<std::size_t>(count), {});
    std::vector<TokenEvents> events(static_cast<std::size_t>(count));
    for (TokenEvents& e : events) e.tiles.resize(p_.ops.size());
    for (const ir::Op& op : p_.ops) {
      const auto o = static_cast<std::size_t>(op.id);
      for (TokenEvents& e : events) e.tiles[o].assign(op.tiles.size(), 0);
      if (op.kind == OpKind::Linear && scales_ == nullptr) {
        linear(op, tensors_[o], count, events);
      } else {
        for (t_ = 0; t_ < count; ++t_) {
          compute(op, ids[t_], first + t_, events[static_cast<std::size_t>(t_)].tiles[o]);
          if (scales_ != nullptr) quantize_output(op);
        }
      }
      float& top = result_.max_abs[o];
      for (const std::vector<float>& y : out_[o]) {
        if (!y.empty())
          top = std::max(top, ConstSpan(y.data(), static_cast<Eigen::Index>(y.size())).cwiseAbs().maxCoeff());
      }
      if (op.role == ir::LinearRole::LmHead) {
        for (const std::vector<float>& y : out_[o]) result_.logits.push_back(y);
      }
    }
    for (int t = 0; t < count; ++t) {
      result_.events.push_back(std::move(events[static_cast<std::size_t>(t)]));
      if (!keep_outputs) continue;
      std::vector<std::vector<float>> outputs(p_.ops.size());
      for (std::size_t o = 0; o < outputs.size(); ++o)
        outputs[o] = std::move(out_[o][static_cast<std::size_t>(t)]);
      result_.outputs.push_back(std::move(outputs));
    }
    positions_ = block_end_;
  }

 private:
  // Input `slot` of `op` at the block's current position.
  const std::vector<float>& input(const ir::Op& op, std::size_t slot) const {
    return out_[static_cast<std::size_t>(op.inputs.at(slot))][static_cast<std::size_t>(t_)];
  }
  const ir::Op& input_op(const ir::Op& op, std::size_t slot) const {
    return p_.ops[static_cast<std::size_t>(op.inputs.at(slot))];
  }
  // The rows a KvRead op streams: its buffer's, one per cached position.
  const std::vector<float>& cached(const ir::Op& read) const {
    return cache_[static_cast<std::size_t>(read.buffer)];
  }

  void compute(const ir::Op& op, int id, int position, std::vector<int64_t>& events) {
    std::vector<float>& y = out_[static_cast<std::size_t>(op.id)][static_cast<std::size_t>(t_)];
    const OpTensor& w = tensors_[static_cast<std::size_t>(op.id)];
    switch (op.kind) {
      case OpKind::Embed:
      case OpKind::PosEmbed: {
        const float* row = w.row(op.kind == OpKind::Embed ? id : position);
        y.assign(row, row + op.out_features);
        for (int64_t& e : events) e = 1;  // one token: each tile reads its slice of one table row
        return;
      }
      case OpKind::Add: {
        const std::vector<float>& a = input(op, 0);
        const std::vector<float>& b = input(op, 1);
        y.resize(a.size());
        for_tiles(
            op, events, [&](int64_t i) { y[i] = a[i] + b[i]; },
            [&](int64_t lo, int64_t hi) { return nonzeros(a.data(), lo, hi) + nonzeros(b.data(), lo, hi); });
        return;
      }
      case OpKind::Gelu: {
        const std::vector<float>& x = input(op, 0);
        y.resize(x.size());
        if (scales_ != nullptr) {  // a table indexed by the input code
          const int bits = p_.precision.act_bits;
          const float step = input_step(op, 0);
          const std::vector<float> table = gelu_table(step, bits, facts_.gelu);
          const std::vector<int32_t> codes = codes_of(x.data(), static_cast<int64_t>(x.size()), step);
          const int qmax = max_code(bits);
          for_tiles(
              op, events, [&](int64_t i) { y[i] = table[static_cast<std::size_t>(codes[i] + qmax)]; },
              [&](int64_t lo, int64_t hi) { return nonzeros(x.data(), lo, hi); });
          return;
        }
        for (const ir::Tile& t : op.tiles) {  // each tile its channels, a vector at a time
          gelu_rows(x.data() + t.out_begin, y.data() + t.out_begin, t.out_end - t.out_begin, facts_.gelu);
          events[static_cast<std::size_t>(t.index)] = nonzeros(x.data(), t.out_begin, t.out_end);
        }
        return;
      }
      case OpKind::LayerNorm:
      case OpKind::RmsNorm: {
        // Each tile receives the whole input (its statistics need it) and writes its channels. QK-norm
        // (head_dim set) normalises each head on its own with the one gain.
        const std::vector<float>& x = input(op, 0);
        const int64_t span = op.head_dim > 0 ? op.head_dim : static_cast<int64_t>(x.size());
        y.resize(x.size());
        for (int64_t begin = 0; begin < static_cast<int64_t>(x.size()); begin += span) {
          const std::vector<float> part(x.begin() + begin, x.begin() + begin + span);
          const std::vector<float> normalised = normalise(op, part, w);
          std::copy(normalised.begin(), normalised.end(), y.begin() + begin);
        }
        const int64_t nz = nonzeros(x.data(), 0, static_cast<int64_t>(x.size()));
        for (int64_t& e : events) e = nz;
        return;
      }
      case OpKind::Rope:
        rope(op, position, y, events);
        return;
      case OpKind::Conv2d:
      case OpKind::Depthwise:
      case OpKind::Pointwise:
      case OpKind::Separable:
      case OpKind::Dense:
        ir::refuse_cnn_layer(op, "the functional executor");
      case OpKind::Glu: {
        const std::vector<float>& gate = input(op, 0);
        const std::vector<float>& up = input(op, 1);
        y.resize(gate.size());
        float (*act)(float, GeluForm) =
            op.activation == ir::GateActivation::Silu ? +[](float v, GeluForm) { return silu(v); } : gelu;
        const auto count = [&](int64_t lo, int64_t hi) {
          return nonzeros(gate.data(), lo, hi) + nonzeros(up.data(), lo, hi);
        };
        if (scales_ != nullptr) {  // the gate's activation from a table indexed by its code
          const int bits = p_.precision.act_bits;
          const float step = input_step(op, 0);
          const std::vector<float> table = activation_table(step, bits, act, facts_.gelu);
          const std::vector<int32_t> codes = codes_of(gate.data(), static_cast<int64_t>(gate.size()), step);
          const int qmax = max_code(bits);
          for_tiles(
              op, events, [&](int64_t i) { y[i] = table[static_cast<std::size_t>(codes[i] + qmax)] * up[i]; },
              count);
          return;
        }
        for_tiles(
            op, events, [&](int64_t i) { y[i] = act(gate[i], facts_.gelu) * up[i]; }, count);
        return;
      }
      case OpKind::Linear:  // integer numerics; a float Linear runs the whole block at once (tokens())
        int_linear(op, w, y, events);
        return;
      case OpKind::KvAppend: {
        std::vector<float> row = input(op, 0);
        const auto buffer = static_cast<std::size_t>(op.buffer);
        if (scales_ != nullptr) {
          const float max_abs = scales_->max_abs[static_cast<std::size_t>(op.id)];
          const int bits = p_.buffers.at(buffer).bits;
          quantize(row, max_abs, bits);
          cache_step_[buffer] = step_of(max_abs, bits);
          const std::vector<int16_t> codes =
              codes_of<int16_t>(row.data(), static_cast<int64_t>(row.size()), cache_step_[buffer]);
          cache_codes_[buffer].append(codes);
        }
        std::vector<float>& rows = cache_[buffer];
        rows.insert(rows.end(), row.begin(), row.end());
        events.at(0) = nonzeros(row.data(), 0, static_cast<int64_t>(row.size()));
        y = row;
        return;
      }
      case OpKind::KvRead: {
        const ir::Buffer& buffer = p_.buffers.at(static_cast<std::size_t>(op.buffer));
        const int64_t row = int64_t{buffer.kv_heads} * buffer.head_dim;
        const int64_t rows = static_cast<int64_t>(cached(op).size()) / row;
        // Every position of the block has appended its row (the block's last position + 1 rows); the
        // consumers at `position` read rows 0..position.
        if (rows != block_end_) {
          throw RunError(
              fmt::format("op {}: {} cached rows at position {}, expected {} (the program reads a "
                          "buffer before appending to it)",
                          op.name, rows, position, block_end_));
        }
        result_.kv_rows_read[static_cast<std::size_t>(op.buffer)] += attended(op, position + 1);
        return;  // consumers read the buffer's rows directly: the stream this op multicasts
      }
      case OpKind::AttnScore:
        scores(op, position + 1, y, events);
        return;
      case OpKind::Softmax: {
        y = input(op, 0);
        const int n = attended(op, position + 1);
        workers_.split(static_cast<int64_t>(y.size()) / n, [&](int64_t begin, int64_t end) {
          for (int64_t h = begin; h < end; ++h) {  // the heads (the tiles own ranges of them)
            if (scales_ != nullptr) {
              shiftmax(input(op, 0).data() + h * n, n, p_.precision.act_bits, y.data() + h * n);
            } else {
              softmax(y.data() + h * n, n);
            }
          }
        });
        for (const ir::Tile& t : op.tiles) {
          events[static_cast<std::size_t>(t.index)] =
              nonzeros(input(op, 0).data(), t.out_begin * n, t.out_end * n);
        }
        return;
      }
      case OpKind::AttnValue:
        values(op, position + 1, y, events);
        return;
    }
  }

  // Integer numerics: what leaves an op is an activation of the program's width. Softmax probabilities are
  // unsigned in [0, 1]: step 1 / (2^bits − 1). The LM head's logits and the scores stay as they are; a KV row
  // was quantised to the cache's width when appended.
  void quantize_output(const ir::Op& op) {
    switch (op.kind) {
      case OpKind::Softmax:    // shiftmax writes unsigned codes of act_bits already
      case OpKind::AttnScore:  // kept at the accumulator's width for the softmax
      case OpKind::KvRead:
      case OpKind::KvAppend:  // quantised to the buffer's width as it was appended
        return;
      case OpKind::Linear:
        if (op.role == ir::LinearRole::LmHead) return;  // the logits
        break;
      case OpKind::Embed:
      case OpKind::PosEmbed:
      case OpKind::Add:
      case OpKind::Gelu:
      case OpKind::LayerNorm:
      case OpKind::AttnValue:
      case OpKind::RmsNorm:
      case OpKind::Rope:
      case OpKind::Glu:
        break;
      case OpKind::Conv2d:
      case OpKind::Depthwise:
      case OpKind::Pointwise:
      case OpKind::Separable:
      case OpKind::Dense:
        ir::refuse_cnn_layer(op, "the functional executor");
    }
    quantize(out_[static_cast<std::size_t>(op.id)][static_cast<std::size_t>(t_)],
             scales_->max_abs[static_cast<std::size_t>(op.id)], p_.precision.act_bits);
  }

  // Positions [n − attended, n) an op of a sliding-window layer sees at context n; all n without a window.
  static int attended(const ir::Op& op, int n) { return op.window > 0 ? std::min(n, op.window) : n; }

  // LayerNorm or RMSNorm of one vector (the whole input, or one head of it).
  std::vector<float> normalise(const ir::Op& op, const std::vector<float>& x, const OpTensor& w) const {
    const bool rms = op.kind == OpKind::RmsNorm;
    if (scales_ == nullptr)
      return rms ? rms_norm(x, w.by_input, w.bias, facts_.layernorm_epsilon)
                 : layer_norm(x, w.by_input, w.bias, facts_.layernorm_epsilon);
    const float step = input_step(op, 0);
    const std::vector<int32_t> codes = codes_of(x.data(), static_cast<int64_t>(x.size()), step);
    return rms ? int_rms_norm(codes, step, w.by_input, w.bias, facts_.layernorm_epsilon)
               : int_layer_norm(codes, step, w.by_input, w.bias, facts_.layernorm_epsilon);
  }

  // RoPE of each head of the input at this token's position; after a kv_read (K=V in Gemma 4's form) of
  // every cached key the layer attends to, each at its own position: the output is those rows in order.
  void rope(const ir::Op& op, int position, std::vector<float>& y, std::vector<int64_t>& events) {
    const ir::Op& source = input_op(op, 0);
    const bool on_read = source.kind == OpKind::KvRead;
    const int64_t width = op.out_features;
    const int n = position + 1;
    const int first = on_read ? n - attended(op, n) : position;
    const int last = on_read ? n : position + 1;
    y.assign(static_cast<std::size_t>((last - first) * width), 0.0f);
    const auto buffer = static_cast<std::size_t>(source.buffer);
    const float step = scales_ == nullptr ? 0.0f : on_read ? cache_step_[buffer] : input_step(op, 0);
    std::vector<int16_t> input_codes;
    if (scales_ != nullptr && !on_read) input_codes = codes_of<int16_t>(input(op, 0).data(), width, step);
    // The rows side by side (a read rotates every cached key, each at its own position).
    workers_.split(last - first, [&](int64_t begin, int64_t end) {
      std::vector<int16_t> codes = input_codes;
      if (scales_ != nullptr && on_read) codes.resize(static_cast<std::size_t>(width));
      for (int m = first + static_cast<int>(begin); m < first + end; ++m) {
        float* out = y.data() + (m - first) * width;
        const float* x = on_read ? cache_[buffer].data() + int64_t{m} * width : input(op, 0).data();
        if (scales_ != nullptr && on_read)
          cache_codes_[buffer].widened(int64_t{m} * width, width, codes.data());
        const int16_t* c = scales_ == nullptr ? nullptr : codes.data();
        for (int64_t h = 0; h < width; h += op.head_dim) {
          if (c != nullptr) {
            int_rope(c + h, step, out + h, op.head_dim, op.rotary_dims, op.rope_theta, m);
          } else {
            rope_rotate(x + h, out + h, op.head_dim, op.rotary_dims, op.rope_theta, m);
          }
        }
      }
    });
    const int64_t nz = on_read ? static_cast<int64_t>(y.size()) : nonzeros(input(op, 0).data(), 0, width);
    for (int64_t& e : events) e = nz;
  }

  // The keys an AttnScore reads: a KvRead's buffer rows, or (rotated on read) the rope's output rows, which
  // start at the first attended position. Integer numerics: their codes and step.
  struct Keys {
    const float* rows = nullptr;
    const int16_t* codes = nullptr;        // int16 codes (a 16-bit cache or activation), or
    const int8_t* narrow_codes = nullptr;  // int8 codes (8 bits or narrower)
    float step = 0;
  };
  Keys keys_of(const ir::Op& source, int first) {
    if (source.kind == OpKind::KvRead) {
      const auto buffer = static_cast<std::size_t>(source.buffer);
      Keys keys{cache_[buffer].data(), nullptr, nullptr, cache_step_[buffer]};
      if (scales_ != nullptr) {
        const CachedCodes& codes = cache_codes_[buffer];
        if (codes.narrow()) {
          keys.narrow_codes = codes.narrow_rows();
        } else {
          keys.codes = codes.wide_rows();
        }
      }
      return keys;
    }
    const std::vector<float>& rotated =
        out_[static_cast<std::size_t>(source.id)][static_cast<std::size_t>(t_)];
    const int64_t width = source.out_features;
    Keys keys{rotated.data() - int64_t{first} * width, nullptr, nullptr, 0};
    if (scales_ != nullptr) {
      keys.step = step_of(scales_->max_abs[static_cast<std::size_t>(source.id)], p_.precision.act_bits);
      // Codes of the activation width, in int8 when it is 8 bits or narrower (as a cache's: CachedCodes).
      rotated_codes_ = CachedCodes(p_.precision.act_bits);
      rotated_codes_.append(
          codes_of<int16_t>(rotated.data(), static_cast<int64_t>(rotated.size()), keys.step));
      if (rotated_codes_.narrow()) {
        keys.narrow_codes = rotated_codes_.narrow_rows() - int64_t{first} * width;
      } else {
        keys.codes = rotated_codes_.wide_rows() - int64_t{first} * width;
      }
    }
    return keys;
  }

  // The step of input `slot`: its producer's output grid.
  float input_step(const ir::Op& op, std::size_t slot) const {
    return step_of(scales_->max_abs[static_cast<std::size_t>(op.inputs.at(slot))], p_.precision.act_bits);
  }

  // Element-wise ops: each tile computes its channels and receives that slice of its inputs.
  template <typename Element, typename Count>
  static void for_tiles(const ir::Op& op, std::vector<int64_t>& events, Element element, Count count) {
    for (const ir::Tile& t : op.tiles) {
      for (int64_t i = t.out_begin; i < t.out_end; ++i) element(i);
      events[static_cast<std::size_t>(t.index)] = count(t.out_begin, t.out_end);
    }
  }

  // Float: the block's rows at once, y = x · W + bias (multiply_rows: each output's sum in input order, as
  // an event-driven tile accumulates x_j × row j of its weights for every non-zero input j; a zero input
  // would add ±0, which changes no sum, so multiplying it too gives the sums of skipping it). Every tile of
  // a position receives that position's non-zero inputs.
  void linear(const ir::Op& op, const OpTensor& w, int count, std::vector<TokenEvents>& events) {
    const std::vector<std::vector<float>>& xs = out_[static_cast<std::size_t>(op.inputs.at(0))];
    const int64_t in = op.in_features, out = op.out_features;
    std::vector<float> x(static_cast<std::size_t>(count * in)), y(static_cast<std::size_t>(count * out));
    for (int t = 0; t < count; ++t) {
      const std::vector<float>& row = xs[static_cast<std::size_t>(t)];
      std::copy(row.begin(), row.end(), x.begin() + t * in);
      const int64_t active = nonzeros(row.data(), 0, in);
      for (const ir::Tile& tile : op.tiles)
        events[static_cast<std::size_t>(t)]
            .tiles[static_cast<std::size_t>(op.id)][static_cast<std::size_t>(tile.index)] = active;
      result_.weight_rows_read[static_cast<std::size_t>(op.id)] +=
          active * static_cast<int64_t>(op.tiles.size());
    }
    const float* bias = w.bias.empty() ? nullptr : w.bias.data();
    workers_.split((out + kFloatColumns - 1) / kFloatColumns, [&](int64_t begin, int64_t end) {
      multiply_rows(x.data(), count, in, w.by_input.data(), out, bias, y.data(), begin * kFloatColumns,
                    std::min(out, end * kFloatColumns));
    });
    std::vector<std::vector<float>>& ys = out_[static_cast<std::size_t>(op.id)];
    for (int t = 0; t < count; ++t)
      ys[static_cast<std::size_t>(t)].assign(y.begin() + t * out, y.begin() + (t + 1) * out);
  }

  // Integer numerics: the input is codes × the producer's step; every non-zero code j adds code_j × the int8
  // weight codes of row j to the int32 accumulators, which are then scaled by step × the channel's scale (and
  // the bias added) on the way to the next quantisation. The accumulators of every tile fill in one pass over
  // the op's weights (the kernel's blocks of outputs are not the tiles; integer sums are exact in any order),
  // and each tile receives every event. The kernel's blocks run side by side, each on its own outputs.
  void int_linear(const ir::Op& op, const OpTensor& w, std::vector<float>& y, std::vector<int64_t>& events) {
    const std::vector<float>& x = input(op, 0);
    const float step = input_step(op, 0);
    // The events: the non-zero inputs. The kernel takes them in the weights' pairs of inputs (2p, 2p + 1);
    // a pair of zeros is skipped as the chip skips them, a zero beside a non-zero input adds 0 × its weight.
    const auto size = static_cast<int64_t>(x.size());
    int64_t active = 0;
    std::vector<int64_t> pairs;
    std::vector<int16_t> codes;
    for (int64_t p = 0; 2 * p < size; ++p) {
      const auto code = [&](int64_t j) {
        return j < size && x[static_cast<std::size_t>(j)] != 0.0f
                   ? static_cast<int16_t>(std::nearbyint(x[static_cast<std::size_t>(j)] / step))
                   : int16_t{0};
      };
      const int16_t first = code(2 * p), second = code(2 * p + 1);
      const int nonzero = (x[static_cast<std::size_t>(2 * p)] != 0.0f) +
                          (2 * p + 1 < size && x[static_cast<std::size_t>(2 * p + 1)] != 0.0f);
      active += nonzero;
      if (nonzero == 0) continue;
      pairs.push_back(p);
      codes.push_back(first);
      codes.push_back(second);
    }
    const int64_t out = op.out_features, pair_rows = (w.in + 1) / 2;
    std::vector<int32_t> acc(static_cast<std::size_t>(out), 0);
    y.resize(static_cast<std::size_t>(out));
    workers_.split((out + kOutputBlock - 1) / kOutputBlock, [&](int64_t first, int64_t last) {
      const int64_t begin = first * kOutputBlock, end = std::min(out, last * kOutputBlock);
      accumulate_pairs(w.codes.data() + begin * pair_rows * 2, pair_rows, pairs.data(), codes.data(),
                       pairs.size(), end - begin, acc.data() + begin);
      for (auto c = static_cast<std::size_t>(begin); c < static_cast<std::size_t>(end); ++c)
        y[c] = static_cast<float>(acc[c]) * step * w.scales[c] + (w.bias.empty() ? 0.0f : w.bias[c]);
    });
    for (const ir::Tile& t : op.tiles) {
      events[static_cast<std::size_t>(t.index)] = active;
      result_.weight_rows_read[static_cast<std::size_t>(op.id)] += active;
    }
  }

  // QKᵀ / √head_dim for the tile's query heads against every cached key row of the head's KV group that the
  // layer attends to. Integer numerics: query codes · key codes summed exactly (int_scores), × both steps and
  // 1/√head_dim.
  void scores(const ir::Op& op, int n, std::vector<float>& y, std::vector<int64_t>& events) {
    const std::vector<float>& q = input(op, 0);
    const int count = attended(op, n), first = n - count;
    const Keys keys = keys_of(input_op(op, 1), first);
    const int64_t d = op.head_dim, row = int64_t{op.kv_heads} * d, group = op.heads / op.kv_heads;
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
    y.assign(static_cast<std::size_t>(op.heads) * static_cast<std::size_t>(count), 0.0f);
    if (scales_ != nullptr) {
      int_scores(op, q, keys, first, count, y);
    } else {
      // Per head, the attended key rows (a strided [count × head_dim] matrix) times its query: one
      // matrix-vector product.
      workers_.split(op.heads, [&](int64_t begin, int64_t end) {
        for (int64_t h = begin; h < end; ++h) {
          const CachedRows k(keys.rows + int64_t{first} * row + (h / group) * d, count, d, Stride(row, 1));
          Span(y.data() + h * count, count).noalias() = k * ConstSpan(q.data() + h * d, d);
          Span(y.data() + h * count, count) *= scale;
        }
      });
    }
    for (const ir::Tile& t : op.tiles)
      events[static_cast<std::size_t>(t.index)] = nonzeros(q.data(), t.out_begin * d, t.out_end * d);
  }

  // Every head's scores in integers, the cached rows streamed once for all heads (each tile's heads are a
  // range of them): the query's codes · the key codes, summed exactly — in int32 lanes (Highway) when the
  // largest possible sum fits, else in 64 bits — then × both steps and 1/√head_dim.
  void int_scores(const ir::Op& op, const std::vector<float>& q, const Keys& keys, int first, int count,
                  std::vector<float>& y) const {
    const int64_t d = op.head_dim, row = int64_t{op.kv_heads} * d, group = op.heads / op.kv_heads;
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
    const float q_step = input_step(op, 0);
    const std::vector<int16_t> q_codes = codes_of<int16_t>(q.data(), static_cast<int64_t>(q.size()), q_step);
    std::vector<int64_t> sums(y.size(), 0);
    const int64_t bound = int64_t{max_code(p_.precision.act_bits)} * (int64_t{1} << (max_kv_bits_ - 1)) * d;
    // The heads of KV groups [g0, g1): each group's key rows (row of the group's d codes) are its own.
    const auto sum = [&](const auto* rows, int64_t g0, int64_t g1) {  // int16 or int8 key codes
      const int64_t h0 = g0 * group, h1 = g1 * group;
      if (bound <= std::numeric_limits<int32_t>::max()) {
        std::vector<int32_t> dots(static_cast<std::size_t>((h1 - h0) * count));
        dot_rows(q_codes.data() + h0 * d, h1 - h0, group, rows + g0 * d, row, count,
                 static_cast<std::size_t>(d), dots.data());
        std::copy(dots.begin(), dots.end(), sums.begin() + h0 * count);
        return;
      }
      for (int64_t h = h0; h < h1; ++h) {
        for (int64_t m = 0; m < count; ++m) {
          const auto* key = rows + m * row + (h / group) * d;
          for (int64_t i = 0; i < d; ++i)
            sums[static_cast<std::size_t>(h * count + m)] +=
                int64_t{q_codes[static_cast<std::size_t>(h * d + i)]} * key[i];
        }
      }
    };
    workers_.split(op.kv_heads, [&](int64_t g0, int64_t g1) {
      if (keys.narrow_codes != nullptr) {
        sum(keys.narrow_codes + int64_t{first} * row, g0, g1);
      } else {
        sum(keys.codes + int64_t{first} * row, g0, g1);
      }
      for (auto i = static_cast<std::size_t>(g0 * group * count);
           i < static_cast<std::size_t>(g1 * group * count); ++i)
        y[i] = static_cast<float>(static_cast<double>(sums[i]) * q_step * keys.step) * scale;
    });
  }

  // P·V: each non-zero probability adds p × the cached value row of the head's KV group. Integer numerics:
  // probability codes × value codes in 64-bit accumulators, × both steps.
  void values(const ir::Op& op, int n_all, std::vector<float>& y, std::vector<int64_t>& events) {
    const std::vector<float>& probs = input(op, 0);
    const ir::Op& read = input_op(op, 1);
    const int64_t n = attended(op, n_all), first = n_all - n;
    const int64_t d = op.head_dim, row = int64_t{op.kv_heads} * d, group = op.heads / op.kv_heads;
    y.assign(static_cast<std::size_t>(op.out_features), 0.0f);
    workers_.split(op.heads, [&](int64_t begin, int64_t end) {  // the heads (the tiles own ranges of them)
      for (int64_t h = begin; h < end; ++h) {
        if (scales_ != nullptr) {
          int_values(probs, read, h, n, first, row, group, d, y);
          continue;
        }
        // Σ p_m × value row m: the attended value rows' transpose times the probabilities (a zero
        // probability adds ±0, which changes no sum).
        const CachedRows v(cached(read).data() + first * row + (h / group) * d, n, d, Stride(row, 1));
        Span(y.data() + h * d, d).noalias() = v.transpose() * ConstSpan(probs.data() + h * n, n);
      }
    });
    for (const ir::Tile& t : op.tiles)
      events[static_cast<std::size_t>(t.index)] = nonzeros(probs.data(), t.out_begin * n, t.out_end * n);
  }

  void int_values(const std::vector<float>& probs, const ir::Op& read, int64_t h, int64_t n, int64_t first,
                  int64_t row, int64_t group, int64_t d, std::vector<float>& y) const {
    const auto buffer = static_cast<std::size_t>(read.buffer);
    const int64_t levels = (int64_t{1} << p_.precision.act_bits) - 1;
    std::vector<int32_t> codes(static_cast<std::size_t>(n));
    for (int64_t m = 0; m < n; ++m)
      codes[static_cast<std::size_t>(m)] =
          static_cast<int32_t>(std::nearbyint(probs[static_cast<std::size_t>(h * n + m)] * levels));
    std::vector<int64_t> acc(static_cast<std::size_t>(d), 0);
    const auto sum = [&](const auto* values) {  // int16 or int8 value codes
      // In int32 lanes (Highway) when the largest possible sum fits, else in 64 bits.
      if (levels * (int64_t{1} << (max_kv_bits_ - 1)) * n <= std::numeric_limits<int32_t>::max()) {
        std::vector<int32_t> sums(static_cast<std::size_t>(d));
        sum_weighted_rows(codes.data(), values, row, n, static_cast<std::size_t>(d), sums.data());
        std::copy(sums.begin(), sums.end(), acc.begin());
        return;
      }
      for (int64_t m = 0; m < n; ++m) {
        if (codes[static_cast<std::size_t>(m)] == 0) continue;
        for (int64_t i = 0; i < d; ++i)
          acc[static_cast<std::size_t>(i)] +=
              int64_t{codes[static_cast<std::size_t>(m)]} * values[m * row + i];
      }
    };
    const CachedCodes& cached_codes = cache_codes_[buffer];
    const int64_t offset = first * row + (h / group) * d;
    if (cached_codes.narrow()) {
      sum(cached_codes.narrow_rows() + offset);
    } else {
      sum(cached_codes.wide_rows() + offset);
    }
    const double step = static_cast<double>(cache_step_[buffer]) / static_cast<double>(levels);
    for (int64_t i = 0; i < d; ++i)
      y[static_cast<std::size_t>(h * d + i)] =
          static_cast<float>(static_cast<double>(acc[static_cast<std::size_t>(i)]) * step);
  }

  const ir::Program& p_;
  const std::vector<OpTensor>& tensors_;
  const NumericsFacts& facts_;
  const ActivationScales* scales_;                    // integer numerics; nullptr: float
  const Workers& workers_;                            // the threads an op's parts run on
  std::vector<std::vector<std::vector<float>>> out_;  // [op][position in the block]: its output
  std::vector<std::vector<float>> cache_;  // [buffer]: rows of kv_heads × head_dim, one per position
  std::vector<CachedCodes> cache_codes_;   // integer numerics: the same rows as codes of the buffer's width
  std::vector<float> cache_step_;          // [buffer]: those codes' step
  CachedCodes rotated_codes_;              // integer numerics: the codes of the keys a rope rotated on read
  Execution result_;
  int positions_ = 0;    // tokens run (or padded) so far
  int block_end_ = 0;    // the position after the block being run
  int t_ = 0;            // the position of the block (from its first) that compute() runs
  int max_kv_bits_ = 0;  // the widest buffer's: bounds a key code (rope-rotated keys: act_bits, no wider)
};

const char* to_string(Numerics numerics) { return numerics == Numerics::Int ? "int" : "float"; }

Executor::Executor(const ir::Program& program, std::vector<OpTensor> tensors, NumericsFacts facts,
                   Workers workers)
    : program_(program), tensors_(std::move(tensors)), facts_(facts), workers_(std::move(workers)) {
  if (tensors_.size() != program_.ops.size()) {
    throw RunError(
        fmt::format("executor: {} weight tensors for {} ops", tensors_.size(), program_.ops.size()));
  }
}

Executor::Executor(const ir::Program& program, std::vector<OpTensor> tensors, NumericsFacts facts,
                   ActivationScales scales, Workers workers)
    : Executor(program, std::move(tensors), facts, std::move(workers)) {
  numerics_ = Numerics::Int;
  scales_ = std::move(scales);
  if (scales_.max_abs.size() != program_.ops.size()) {
    throw RunError(fmt::format("executor: {} activation scales for {} ops", scales_.max_abs.size(),
                               program_.ops.size()));
  }
  const int bits = program_.precision.act_bits;
  if (bits < 2 || bits > 16 || program_.precision.kv_bits < 2 || program_.precision.kv_bits > 16) {
    throw InputError(
        fmt::format("integer numerics run activations and KV rows of 2 to 16 bits, the program has "
                    "{} and {}",
                    bits, program_.precision.kv_bits));
  }
  for (const ir::Op& op : program_.ops) {
    if (op.kind == OpKind::Linear && tensors_[static_cast<std::size_t>(op.id)].codes.empty())
      throw RunError(fmt::format("op {}: integer numerics need the weights file's codes", op.name));
  }
}

ActivationScales calibrate(const Executor& reference, const std::vector<std::vector<int>>& sequences) {
  ActivationScales scales{std::vector<float>(reference.program().ops.size(), 0.0f)};
  for (const std::vector<int>& ids : sequences) widen(scales, reference.run(ids));
  return scales;
}

void widen(ActivationScales& scales, const Execution& run) {
  for (std::size_t op = 0; op < run.max_abs.size(); ++op)
    scales.max_abs[op] = std::max(scales.max_abs[op], run.max_abs[op]);
}

ActivationScales calibrate(const Executor& reference, const std::vector<int>& ids) {
  return calibrate(reference, std::vector<std::vector<int>>{ids});
}

Execution Executor::run(const std::vector<int>& ids, bool keep_outputs) const {
  check_token_ids(ids, program_, "token ids");
  Run run(program_, tensors_, facts_, numerics_ == Numerics::Int ? &scales_ : nullptr, workers_);
  // Blocks of positions bound what a block holds (every op's output at each of its positions; the scores
  // grow with the context), while a block of 64 already reuses each weight row 64 times.
  constexpr int kBlock = 64;
  const auto size = static_cast<int>(ids.size());
  for (int first = 0; first < size; first += kBlock)
    run.tokens(ids.data() + first, std::min(kBlock, size - first), keep_outputs);
  return run.finish();
}

Session::Session(const Executor& executor)
    : executor_(executor),
      run_(std::make_unique<Run>(executor.program_, executor.tensors_, executor.facts_,
                                 executor.numerics_ == Numerics::Int ? &executor.scales_ : nullptr,
                                 executor.workers_)) {}

Session::~Session() = default;

void Session::step(int id) {
  check_token_ids({id}, executor_.program(), "token ids");
  if (run_->positions() >= sequence_limit(executor_.program()))
    throw InputError(fmt::format("token {} is past the limit of {} positions", run_->positions(),
                                 sequence_limit(executor_.program())));
  run_->tokens(&id, 1, false);
}

int Session::positions() const { return run_->positions(); }

void Session::pad_cache(int positions) {
  if (positions < run_->positions() || positions >= sequence_limit(executor_.program()))
    throw InputError(fmt::format("pad_cache: {} positions, expected {} to {}", positions, run_->positions(),
                                 sequence_limit(executor_.program()) - 1));
  run_->pad_cache(positions);
}

void Session::rewind(int positions) { run_->rewind(positions); }

const Execution& Session::execution() const { return run_->execution(); }

}  // namespace neurokv::functional

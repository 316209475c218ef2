#pragma once
// Runs a compiled program on token ids, the way the chip does: op after op in schedule order, each op tile by
// tile on the part of the output its tile owns, every Linear event-driven (each non-zero input fans out to
// the tile's output channels; zeros are no events). A run takes the positions in blocks, as a prefill does
// (each op for every position of the block before the next op: causal attention allows it); a Session steps
// one token at a time, and both give the same logits and counts. Keys and values are appended to, and read
// back from, the program's KV buffers, so a fused K=V program reads each cached row once for both attention
// products. While it runs it counts, for every tile, the events it received: the non-zero inputs
// (docs/executor.md says what an input is for each kind of op). An op's independent parts (a Linear's blocks
// of outputs, attention's heads, a read's rows) run side by side on the executor's Workers, each output
// computed as one thread computes it: the same bytes for any number of threads.
#include <cstdint>
#include <memory>
#include <vector>

#include "compiler/config/model_spec.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/functional/op_tensors.hpp"
#include "simulator/functional/workers.hpp"

namespace neurokv::functional {

// What one token made every tile receive: events[op][tile], the non-zero inputs.
struct TokenEvents {
  std::vector<std::vector<int64_t>> tiles;
};

struct Execution {
  std::vector<std::vector<float>> logits;  // [position][vocab]: the LM head at every position
  std::vector<TokenEvents> events;         // [position]
  std::vector<int64_t> kv_rows_read;       // per buffer: cached rows streamed out, summed over the run
  std::vector<int64_t> weight_rows_read;   // per op: input rows of its weights read (one per event per tile)
  std::vector<float> max_abs;  // per op: the largest |output| over the run (what calibration keeps)
  // [position][op]: every op's output, when the run was asked to keep them (tests, debugging); KvRead ops
  // have none (their consumers read the buffer).
  std::vector<std::vector<std::vector<float>>> outputs;
};

// The numerics facts the program does not carry (an imported model's own, ModelSpec).
struct NumericsFacts {
  GeluForm gelu = GeluForm::Erf;
  double layernorm_epsilon = 1e-5;

  static NumericsFacts of(const ModelSpec& model) { return {model.gelu, model.layernorm_epsilon}; }
};

// fp32 reference, or the program's integer widths (docs/executor.md "Integer numerics").
enum class Numerics { Float, Int };
const char* to_string(Numerics numerics);

// Per op, the largest |output| seen while calibrating (0 for ops whose output is not an activation): with the
// activation width it sets the op's output step, max / (2^(bits−1) − 1).
struct ActivationScales {
  std::vector<float> max_abs;  // [op]
};

class Run;
class Session;

class Executor {
 public:
  // Float numerics. `tensors`: one per program op (float_op_tensors). `workers`: the threads its runs and
  // sessions split ops over (one by default).
  Executor(const ir::Program& program, std::vector<OpTensor> tensors, NumericsFacts facts,
           Workers workers = Workers());
  // Integer numerics: `tensors` from the weights file (int_op_tensors), `scales` from calibrate().
  Executor(const ir::Program& program, std::vector<OpTensor> tensors, NumericsFacts facts,
           ActivationScales scales, Workers workers = Workers());

  // Runs `ids` (checked: check_token_ids) as one sequence from position 0, in blocks of positions.
  Execution run(const std::vector<int>& ids, bool keep_outputs = false) const;

  const ir::Program& program() const { return program_; }
  Numerics numerics() const { return numerics_; }

 private:
  friend class Session;
  const ir::Program& program_;
  std::vector<OpTensor> tensors_;
  NumericsFacts facts_;
  Numerics numerics_ = Numerics::Float;
  ActivationScales scales_;
  Workers workers_;
};

// Token-by-token execution, as a decode loop runs it: each step() runs the next position (what run() does
// for a whole sequence). The executor must outlive it.
class Session {
 public:
  explicit Session(const Executor& executor);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs `id` at the next position. Throws InputError for an id outside the vocabulary or past the limit.
  void step(int id);
  int positions() const;
  // Benchmarks of a long context without running it: every KV buffer is made to hold `positions` rows, the
  // last token's rows repeated, as if that many tokens had run. Throws InputError before a first step or
  // for a position outside [positions(), limit).
  void pad_cache(int positions);
  // Drops the KV rows past `positions`, so the step after them can run again.
  void rewind(int positions);
  // What the steps so far gave: logits and events per step.
  const Execution& execution() const;

 private:
  const Executor& executor_;
  std::unique_ptr<Run> run_;
};

// Widens `scales` to each op's largest |output| in `run`.
void widen(ActivationScales& scales, const Execution& run);
// Runs `reference` (float numerics) on every sequence and keeps each op's largest |output| over all of them:
// max calibration.
ActivationScales calibrate(const Executor& reference, const std::vector<std::vector<int>>& sequences);
ActivationScales calibrate(const Executor& reference, const std::vector<int>& ids);

}  // namespace neurokv::functional

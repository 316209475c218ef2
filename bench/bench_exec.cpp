// The executor's speed (docs/performance.md "Executor"): integer decode of one paper-300m token at context
// 2048 with synthetic weights (GPT-2 initialisation, seed 1), the goal being ≤ 60 ms on the project's 2-core
// machine. The KV buffers are padded to 2047 rows (the first token's rows repeated, Session::pad_cache), so
// the timed step attends to 2048 rows without running 2047 tokens first; each iteration runs position 2047
// and rewinds (context 2: the Linears with next to no attention). The second argument is the executor's
// threads (Workers: the Linears' blocks of outputs and the attention's heads side by side; 1 and the
// machine's 2). Counters: the step's synaptic operations (events × the tile widths they fan out to) and
// events. stream_linear_codes times the memory floor beside it, on as many threads. With threads, the CPU
// column is the benchmark thread's alone; the counter process_cpu_ms is the whole process's (every thread's,
// waiting included) per step.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/weights/program_weights.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/synthetic_weights.hpp"
#include "simulator/functional/token_ids.hpp"
#include "simulator/functional/workers.hpp"

namespace {

using namespace neurokv;

struct Loaded {
  ModelSpec model;
  ir::Program program;
  ModelWeights weights;
  std::unique_ptr<functional::Executor> reference;
  std::map<int, std::unique_ptr<functional::Executor>> integer;  // by threads
  std::vector<functional::OpTensor> int_tensors;  // a copy of the integer executors', for stream_linear_codes
  functional::ActivationScales scales;
};

// Compiled, weighted and calibrated once for every benchmark of a variant.
Loaded& loaded(const std::string& variant) {
  static std::map<std::string, std::unique_ptr<Loaded>> cache;
  std::unique_ptr<Loaded>& slot = cache[variant];
  if (slot) return *slot;
  slot = std::make_unique<Loaded>();
  Loaded& l = *slot;
  l.model = load_model("paper-300m", std::string(NEUROKV_SOURCE_DIR) + "/models");
  const HwConfig hw = load_hw("akida2-like", std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs");
  l.program = compile(l.model, AttentionVariant::parse(variant, l.model.heads), hw, {}).program;
  l.weights = functional::synthetic_weights(l.program, 1);
  const functional::NumericsFacts facts = functional::NumericsFacts::of(l.model);
  l.reference = std::make_unique<functional::Executor>(
      l.program, functional::float_op_tensors(l.program, l.weights), facts);
  const weights::WeightsFile file = weights::quantize_program_weights(l.program, l.weights);
  l.int_tensors = functional::int_op_tensors(l.program, file);
  l.scales = functional::calibrate(*l.reference, {11, 22, 33, 44});
  return l;
}

// The integer executor of a variant on `threads`, made on first use.
const functional::Executor& integer_executor(const std::string& variant, int threads) {
  Loaded& l = loaded(variant);
  std::unique_ptr<functional::Executor>& slot = l.integer[threads];
  if (!slot) {
    slot = std::make_unique<functional::Executor>(l.program, l.int_tensors,
                                                  functional::NumericsFacts::of(l.model), l.scales,
                                                  functional::Workers(threads));
  }
  return *slot;
}

// User and system time of the whole process so far, every thread's.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void decode_token(benchmark::State& state, const std::string& variant, bool integer) {
  const Loaded& l = loaded(variant);
  functional::Session session(integer ? integer_executor(variant, static_cast<int>(state.range(1)))
                                      : *l.reference);
  const int context = static_cast<int>(state.range(0));
  session.step(11);
  session.pad_cache(context - 1);
  const double cpu_before = process_cpu_seconds();
  for (auto _ : state) {
    session.step(22);
    session.rewind(context - 1);
  }
  state.counters["process_cpu_ms"] =
      1e3 * (process_cpu_seconds() - cpu_before) / static_cast<double>(state.iterations());
  // The last step's work: events and the synaptic operations they drive.
  const functional::TokenEvents& events = session.execution().events.back();
  int64_t received = 0, synaptic = 0;
  for (const ir::Op& op : l.program.ops) {
    for (const ir::Tile& tile : op.tiles) {
      const int64_t e = events.tiles[static_cast<std::size_t>(op.id)][static_cast<std::size_t>(tile.index)];
      received += e;
      if (op.kind == ir::OpKind::Linear) synaptic += e * (tile.out_end - tile.out_begin);
    }
  }
  state.counters["events"] = static_cast<double>(received);
  state.counters["linear_synaptic_ops"] = static_cast<double>(synaptic);
  state.counters["synaptic_ops_per_s"] =
      benchmark::Counter(static_cast<double>(synaptic), benchmark::Counter::kIsIterationInvariantRate);
}

// The integer decode's memory floor, timed beside it: one pass over the bytes its Linears stream (every
// Linear op's int8 codes, as the executor holds them), summed as 64-bit words by the argument's threads, each
// its share of every tensor. No decode of these weights on as many threads can take less time on this machine
// than reading them once.
void stream_linear_codes(benchmark::State& state) {
  const Loaded& l = loaded("QKV");
  const functional::Workers workers(static_cast<int>(state.range(0)));
  int64_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const functional::OpTensor& t : l.int_tensors) {
      const auto words = static_cast<int64_t>(t.codes.size() / sizeof(uint64_t));
      // Each tensor's words in as many ranges as threads, as the executor splits a Linear's blocks.
      workers.split(words, [&](int64_t begin, int64_t end) {
        uint64_t sum = 0;
        for (int64_t i = begin; i < end; ++i) {
          uint64_t word = 0;
          std::memcpy(&word, t.codes.data() + i * static_cast<int64_t>(sizeof word), sizeof word);
          sum += word;
        }
        benchmark::DoNotOptimize(sum);
      });
      bytes += static_cast<int64_t>(t.codes.size());
    }
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

// Float execution of a trained byte-level model (models/trained/) over the held-out text's first window of
// 128 bytes, every position's logits: what bench/exec_vs_torch.py puts beside PyTorch's forward of the same
// ONNX file.
void trained_window(benchmark::State& state, const std::string& name) {
  const std::string trained = std::string(NEUROKV_SOURCE_DIR) + "/models/trained/";
  const ModelSource source = load_model_source(trained + "byte-" + name + ".onnx", "");
  CompileOptions options;
  options.context = 128;
  const HwConfig hw = load_hw("akida2-like", std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs");
  const ir::Program program = compile(source, source.detected_variant(), hw, options).program;
  const functional::Executor executor(program, functional::float_op_tensors(program, *source.weights),
                                      functional::NumericsFacts::of(source.spec));
  std::vector<int> window = functional::text_token_ids(trained + "heldout.txt");
  window.resize(128);
  for (auto _ : state) benchmark::DoNotOptimize(executor.run(window).logits.back().front());
  state.counters["tokens"] = 128;
}

}  // namespace

BENCHMARK_CAPTURE(trained_window, byte - qkv float, std::string("qkv"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(trained_window, byte - q - k = v float, std::string("q-k=v"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(trained_window, byte - mqa float, std::string("mqa"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(trained_window, byte - q - mqa float, std::string("q-mqa"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(decode_token, paper - 300m QKV int, std::string("QKV"), true)
    ->Args({2, 1})
    ->Args({2, 2})
    ->Args({2048, 1})
    ->Args({2048, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(decode_token, paper - 300m Q - K = V int, std::string("Q-K=V"), true)
    ->Args({2048, 1})
    ->Args({2048, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(stream_linear_codes)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(decode_token, paper - 300m QKV float, std::string("QKV"), false)
    ->Args({2048, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();

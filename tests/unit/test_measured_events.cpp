// Measured events in both fidelities: every op of every layer, in the prefill and in the decode tokens, is
// priced with the events the integer execution counted (docs/executor.md, "Measured events in estimate and
// run").
#include <algorithm>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/weights/program_weights.hpp"
#include "simulator/energy_model.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/measured_events.hpp"
#include "simulator/functional/token_ids.hpp"
#include "simulator/measured_densities.hpp"
#include "simulator/program_counts.hpp"
#include "simulator/work.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;
using namespace neurokv::functional;

namespace {

const std::vector<int> kIds = {3, 10, 17, 24, 31, 38, 45, 52};

struct Measured {
  ModelSource source;
  ir::Program program;
  HwConfig hw;
  MeasuredEvents events;
  Execution run;  // the same integer execution, kept to count by hand
};

Measured measure(const std::string& model, const std::vector<int>& ids, int64_t context) {
  Measured m{load_model_source(model, ""), {}, test::chip("akida2-like"), {}, {}};
  CompileOptions options;
  options.context = context;
  m.program = compile(m.source, m.source.detected_variant(), m.hw, options).program;
  m.events = measure_events(m.source, m.source.detected_variant(), m.hw, options, ids, "ids");
  const NumericsFacts facts = NumericsFacts::of(m.source.spec);
  const Executor reference(m.program, float_op_tensors(m.program, *m.source.weights), facts);
  const weights::WeightsFile file = weights::quantize_program_weights(m.program, *m.source.weights);
  const Executor executor(m.program, int_op_tensors(m.program, file), facts, calibrate(reference, ids));
  m.run = executor.run(ids);
  return m;
}

const ir::Op& find_op(const ir::Program& p, int layer, ir::LinearRole role) {
  return *std::find_if(p.ops.begin(), p.ops.end(),
                       [&](const ir::Op& op) { return op.layer == layer && op.role == role; });
}

// A Linear op's events summed over its tiles and positions [begin, end) of the run, and its inputs: every
// tile receives the whole input vector at every position.
double linear_density(const Measured& m, const ir::Op& op, std::size_t begin, std::size_t end) {
  double events = 0;
  for (std::size_t pos = begin; pos < end; ++pos) {
    for (int64_t e : m.run.events[pos].tiles[static_cast<std::size_t>(op.id)])
      events += static_cast<double>(e);
  }
  return events / (static_cast<double>(op.in_features) * static_cast<double>(op.tiles.size()) *
                   static_cast<double>(end - begin));
}

}  // namespace

TEST_CASE("measured events change a tile's energy exactly as the cost equations say: a hand-worked tile",
          "[executor]") {
  const Measured m = measure(std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/onnx/q-k=v.onnx", kIds, 32);
  const ir::Op& down = find_op(m.program, 1, ir::LinearRole::MlpDown);
  const ir::Tile& tile = down.tiles.front();
  // Without a prompt every executed position is a decode token.
  const double density = linear_density(m, down, 0, kIds.size());
  const MeasuredDensities measured = m.events.densities(0);
  CHECK(measured.decode.at(static_cast<std::size_t>(down.id)) == Approx(density).epsilon(1e-15));
  CHECK(density < 1.0);  // 8-bit GELU outputs of code 0: not every input is an event

  const ir::Program priced = with_densities(m.program, measured.decode);
  const Phase phase = Phase::decode(32);
  const TileWork assumed = tile_work(m.program, down, tile, m.hw, phase, 1);
  const TileWork real =
      tile_work(priced, priced.ops.at(static_cast<std::size_t>(down.id)), tile, m.hw, phase, 1);
  // By hand, docs/simulator.md: events = in × density; each event reads its row of the tile's channels
  // (8-bit weights: one byte per synaptic op) and is written to and read from the input buffer (act_bits).
  const double in = static_cast<double>(down.in_features);
  const double channels = static_cast<double>(tile.out_end - tile.out_begin);
  const double events = in * density;
  CHECK(real.input_events == Approx(events).epsilon(1e-12));
  CHECK(real.counts.macs_by_bits.at(8) == Approx(events * channels).epsilon(1e-12));
  const EnergyTable& e = m.hw.energy;
  const double act_bytes = m.program.precision.act_bits / 8.0;
  const auto energy_pj = [&](double n) {
    return n * channels * (e.mac_pj.at(8) + e.sram_read_pj_per_byte) +
           n * act_bytes * (e.sram_read_pj_per_byte + e.sram_write_pj_per_byte) + n * e.event_pj;
  };
  const EnergyModel model(e, StaticPower{});
  const double delta = model.price(real.counts, 0).total() - model.price(assumed.counts, 0).total();
  const double assumed_events = in * down.input_density;
  CHECK(delta == Approx((energy_pj(events) - energy_pj(assumed_events)) * 1e-12).epsilon(1e-9));
  CHECK(delta > 0);  // the untrained fixture is ~99 % dense, the cost model assumes 30 %
}

TEST_CASE("measured densities are per layer and per phase, in both fidelities", "[executor]") {
  // A trained model: its layers' GELU outputs are not alike.
  std::vector<int> text = text_token_ids(std::string(NEUROKV_SOURCE_DIR) + "/models/trained/heldout.txt");
  text.resize(128);  // the held-out text's first window of the context
  const Measured m = measure(std::string(NEUROKV_SOURCE_DIR) + "/models/trained/byte-qkv.onnx", text, 128);
  const std::size_t n = text.size();
  const std::size_t prompt = 96;
  const MeasuredDensities measured = m.events.densities(prompt);
  std::vector<double> decode_hidden;
  for (int layer = 0; layer < m.program.model.layers; ++layer) {
    CAPTURE(layer);
    const ir::Op& down = find_op(m.program, layer, ir::LinearRole::MlpDown);
    const auto op = static_cast<std::size_t>(down.id);
    // The prompt's positions price the prefill, the positions after it the decode tokens.
    CHECK(measured.prefill.at(op) == Approx(linear_density(m, down, 0, prompt)).epsilon(1e-15));
    CHECK(measured.decode.at(op) == Approx(linear_density(m, down, prompt, n)).epsilon(1e-15));
    decode_hidden.push_back(measured.decode.at(op));
  }
  // The prefill runs the LM head on the last prompt token only: that position's events.
  const ir::Op& head = find_op(m.program, -1, ir::LinearRole::LmHead);
  CHECK(measured.prefill.at(static_cast<std::size_t>(head.id)) ==
        Approx(linear_density(m, head, prompt - 1, prompt)).epsilon(1e-15));
  // One density per site would make these equal.
  CHECK(*std::max_element(decode_hidden.begin(), decode_hidden.end()) -
            *std::min_element(decode_hidden.begin(), decode_hidden.end()) >
        0.01);

  // The analytic estimate prices each layer with its own ops' densities: layer by layer, its decode
  // events are Σ over its ops' tiles of the cost equation's inputs × that op's measured density.
  EvaluateOptions options;
  options.compile.context = 128;
  options.prompt = static_cast<int64_t>(prompt);
  options.measured = measured;
  const ir::Program priced = with_densities(m.program, measured.decode);
  const Phase phase = Phase::decode(128);  // one decode step at the program's context
  const PhaseCounts counted = count_phase(priced, m.hw, phase);
  double all_events = 0;
  for (int layer = -1; layer < m.program.model.layers; ++layer) {
    CAPTURE(layer);
    double events = 0;
    for (const ir::Op& op : m.program.ops) {
      if (op.layer != layer) continue;
      for (const ir::Tile& tile : op.tiles) {
        const double offered = tile_work(m.program, op, tile, m.hw, phase, 1).counts.activations_offered;
        events += op.kind == ir::OpKind::Softmax
                      ? offered  // the softmax unit's every score is an event (its cost equation)
                      : offered * measured.decode.at(static_cast<std::size_t>(op.id));
      }
    }
    CHECK(counted.layer_counts.at(static_cast<std::size_t>(layer + 1)).events ==
          Approx(events).epsilon(1e-12));
    all_events += events;
  }
  const VariantReport analytic = evaluate_program(m.program, m.hw, options);
  CHECK(analytic.decode.events == Approx(all_events).epsilon(1e-12));
  // The transaction fidelity takes the same counts instead of drawing events: the same events as the analytic
  // estimate's over the same decode tokens, whatever the seed.
  options.tokens = 2;
  const VariantReport two = evaluate_program(m.program, m.hw, options);
  options.fidelity = Fidelity::Transaction;
  const VariantReport transaction = evaluate_program(m.program, m.hw, options);
  options.seed = 99;
  const VariantReport reseeded = evaluate_program(m.program, m.hw, options);
  CHECK(transaction.decode.events == Approx(two.decode.events).epsilon(1e-12));
  CHECK(transaction.prefill->events == Approx(two.prefill->events).epsilon(1e-12));
  CHECK(reseeded.decode.events == transaction.decode.events);
  CHECK(reseeded.decode.energy.total() == transaction.decode.energy.total());
  // Measured differs from assumed where the execution says so.
  options.measured = {};
  CHECK(evaluate_program(m.program, m.hw, options).decode.events != transaction.decode.events);
}

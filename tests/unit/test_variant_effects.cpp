// Variant effects show up in the simulated decode for their real reasons: what a variant removes is what it
// saves.
#include <catch2/catch.hpp>
#include <map>

#include "compiler/driver/compile.hpp"
#include "simulator/transaction/simulate.hpp"
#include "simulator/work.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;

namespace {

struct Run {
  ir::Program program;
  PhaseReport decode;
};

Run run(const std::string& variant) {
  const ModelSpec model = test::model("paper-300m");
  const HwConfig hw = test::chip("akida2-like");
  CompileOptions options;
  options.context = 1024;
  Run r{compile(model, AttentionVariant::parse(variant, model.heads), hw, options).program, {}};
  r.decode = simulate(r.program, hw, SimOptions{1023, 1, 1, "", ""}).decode;
  return r;
}

// DRAM bytes one decode step spends on the V path of a program: streamed V-projection weights, and reads and
// appends of value buffers held in DRAM.
double value_path_dram_bytes(const ir::Program& p) {
  const HwConfig hw = test::chip("akida2-like");
  double bytes = 0;
  for (const ir::Op& op : p.ops) {
    const bool v_proj = op.kind == ir::OpKind::Linear && op.role == ir::LinearRole::V;
    const bool v_buffer = op.buffer >= 0 && p.buffers.at(op.buffer).role == ir::BufferRole::Values;
    if (!v_proj && !v_buffer) continue;
    for (const ir::Tile& tile : op.tiles)
      bytes += tile_work(p, op, tile, hw, Phase::decode(1024), 1).counts.dram_bytes;
  }
  return bytes;
}

int64_t kv_bytes_per_token(const ir::Program& p) {
  int64_t total = 0;
  for (const ir::Buffer& b : p.buffers) total += b.bytes_per_token;
  return total;
}

}  // namespace

TEST_CASE("Q-K=V decode saves at least the V projection's weights and the value cache's traffic") {
  const Run qkv = run("QKV");
  const Run qkeqv = run("Q-K=V");
  const double v_bytes = value_path_dram_bytes(qkv.program);
  REQUIRE(v_bytes > 0);
  CHECK(value_path_dram_bytes(qkeqv.program) == 0);  // no V projection, no value buffer: nothing to spend on
  CHECK(ir::count_linear(qkeqv.program, ir::LinearRole::V) == 0);
  CHECK(kv_bytes_per_token(qkeqv.program) * 2 == kv_bytes_per_token(qkv.program));
  // Removing V also frees weight SRAM, so the saving is at least the V path's own bytes (bursts round a
  // little).
  CHECK(qkv.decode.dram_bytes - qkeqv.decode.dram_bytes >= 0.99 * v_bytes);
  CHECK(qkeqv.decode.energy.dram < qkv.decode.energy.dram);
  CHECK(qkeqv.decode.energy.total() < qkv.decode.energy.total());
  CHECK(qkeqv.decode.cycles < qkv.decode.cycles);
}

TEST_CASE("Q=K-V saves the Q projection but not cache") {
  const Run qkv = run("QKV");
  const Run qeqk = run("Q=K-V");
  CHECK(ir::count_linear(qeqk.program, ir::LinearRole::Q) == 0);
  CHECK(ir::count_linear(qeqk.program, ir::LinearRole::V) == qkv.program.model.layers);
  CHECK(kv_bytes_per_token(qeqk.program) == kv_bytes_per_token(qkv.program));
  CHECK(qeqk.decode.dram_bytes < qkv.decode.dram_bytes);
  CHECK(qeqk.decode.synaptic_ops < qkv.decode.synaptic_ops);
  // The cache is untouched, so the DRAM saved is weights only: less than Q-K=V, which also halves the cache.
  CHECK(qeqk.decode.dram_bytes > run("Q-K=V").decode.dram_bytes);
}

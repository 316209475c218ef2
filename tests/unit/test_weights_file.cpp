// The weights file (.nkw): quantisation, bit packing, round trip, sizes against the program, bad files.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "compiler/driver/compile.hpp"
#include "compiler/support/error.hpp"
#include "compiler/weights/bit_packing.hpp"
#include "compiler/weights/program_weights.hpp"
#include "compiler/weights/weights_check.hpp"
#include "compiler/weights/weights_reader.hpp"
#include "compiler/weights/weights_writer.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/onnx_fixtures.hpp"

using namespace neurokv;
using namespace neurokv::weights;

namespace {

using test::kOnnxFixtures;
using test::onnx_fixture;

FloatTensor random_tensor(int64_t out, int64_t in, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 0.1f);
  FloatTensor t{{out, in}, {}};
  for (int64_t i = 0; i < out * in; ++i) t.values.push_back(normal(rng));
  return t;
}

struct Compiled {
  ModelSource source;
  ir::Program program;
};

Compiled compile_fixture(const std::string& name, const std::string& chip, int weight_bits) {
  ModelSource source = onnx_fixture(name);
  CompileOptions options;
  options.context = 32;
  options.weight_bits = weight_bits;
  ir::Program program = compile(source, source.detected_variant(), test::chip(chip), options).program;
  return {std::move(source), std::move(program)};
}

// A quiet NaN over the 4 bytes at `at`.
void put_le_nan(std::string& bytes, uint64_t at) {
  const char nan[4] = {0, 0, '\xc0', '\x7f'};
  for (int i = 0; i < 4; ++i) bytes[at + static_cast<uint64_t>(i)] = nan[i];
}

void check_fails_at(const std::string& bytes, const std::string& message) {
  try {
    decode_weights_file(bytes, "w.nkw");
    FAIL("decoded a bad file");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("w.nkw: offset ") && Catch::Contains(message));
  }
}

}  // namespace

TEST_CASE("codes of every width pack LSB first and unpack to the same codes") {
  for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
    INFO(bits);
    std::vector<int> codes;
    for (int q = -max_code(bits); q <= max_code(bits); ++q) {
      if (bits > 1 || q != 0) codes.push_back(q);
    }
    BitPacker packer(bits);
    for (int q : codes) packer.put(q);
    const std::string bytes = packer.finish();
    CHECK(bytes.size() == (codes.size() * static_cast<std::size_t>(bits) + 7) / 8);
    BitUnpacker unpacker(bytes.data(), bits);
    for (int q : codes) CHECK(unpacker.next() == q);
  }
  BitPacker int4(4);
  int4.put(-1);
  int4.put(3);
  CHECK(int4.finish() == std::string(1, '\x3f'));  // low nibble 0xf (-1), high nibble 3
}

TEST_CASE("per-channel symmetric quantisation is within half a step of the floats at every width") {
  const FloatTensor weight = random_tensor(8, 33, 1);
  const FloatTensor bias = random_tensor(8, 1, 2);
  for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
    INFO(bits);
    const QuantizedTensor q = quantize_per_channel(weight, FloatTensor{{8}, bias.values}, bits);
    for (int64_t o = 0; o < q.out; ++o) {
      const float half_step = quantization_step(q.scales[static_cast<std::size_t>(o)], bits) / 2;
      for (int64_t i = 0; i < q.in; ++i) {
        CHECK(std::fabs(q.weight(o, i) - weight.values[static_cast<std::size_t>(o * q.in + i)]) <=
              half_step * 1.0001f);
      }
      CHECK(std::fabs(q.bias(o) - bias.values[static_cast<std::size_t>(o)]) <=
            quantization_step(q.bias_scale, bits) / 2 * 1.0001f);
    }
  }
  CHECK_THROWS_WITH(quantize_per_channel(weight, {}, 16), Catch::Contains("expected 1 to 8 bits"));
}

TEST_CASE(
    "a compiled ONNX model's weights round-trip through the file tile by tile in the program's byte counts") {
  for (const auto& [name, chip, bits] :
       {std::tuple{"mixed", "akida2-like", 8}, std::tuple{"q-k=v", "akida2-like", 4},
        std::tuple{"mqa", "akd1000-like", 2}, std::tuple{"qkv", "akd1000-like", 1}}) {
    INFO(name << " " << bits << " bits");
    const Compiled c = compile_fixture(name, chip, bits);
    const WeightsFile written = quantize_program_weights(c.program, *c.source.weights);
    const std::string bytes = encode_weights_file(written);
    const WeightsFile read = decode_weights_file(bytes, "w.nkw");
    CHECK(verify_weights(read, c.program).empty());
    REQUIRE(read.ops.size() == written.ops.size());
    uint64_t data = 0;
    for (std::size_t i = 0; i < read.ops.size(); ++i) {
      CHECK(read.ops[i].name == written.ops[i].name);
      CHECK(read.ops[i].tensor == written.ops[i].tensor);
      for (const WeightTile& tile : read.ops[i].tiles) data += tile.bytes;
    }
    // The tiles hold exactly the program's weight bytes; the rest is the directory (names, shapes, scales).
    int64_t program_bytes = 0;
    for (const ir::Op& op : c.program.ops) {
      for (const ir::Tile& tile : op.tiles) program_bytes += tile.weight_bytes;
    }
    CHECK(data == static_cast<uint64_t>(program_bytes));
    CHECK(read.ops.front().tiles.front().offset + data == bytes.size());
  }
}

TEST_CASE("the file's dequantised projections are within half a step of the ONNX model's floats") {
  const Compiled c = compile_fixture("mixed", "akida2-like", 4);
  const WeightsFile file = decode_weights_file(
      encode_weights_file(quantize_program_weights(c.program, *c.source.weights)), "w.nkw");
  int checked = 0;
  for (const OpWeightsRecord& op : file.ops) {
    const auto original = c.source.weights->find(op.name);
    if (original == c.source.weights->end() || original->second.weight.dims.size() != 2 ||
        op.name == "pos_embed") {
      continue;  // embeddings are stored transposed; the LM head is the tied table
    }
    ++checked;
    const QuantizedTensor& q = op.tensor;
    const std::vector<float>& w = original->second.weight.values;
    for (int64_t o = 0; o < q.out; ++o) {
      const float half_step = quantization_step(q.scales[static_cast<std::size_t>(o)], q.bits) / 2;
      for (int64_t i = 0; i < q.in; ++i) {
        REQUIRE(std::fabs(q.weight(o, i) - w[static_cast<std::size_t>(o * q.in + i)]) <= half_step * 1.0001f);
      }
    }
  }
  CHECK(checked == 11);  // 2 layers × (Q, K, O, up, down) + layer 0's V
}

TEST_CASE("a truncated or corrupted weights file is an InputError naming the file and the offset") {
  const Compiled c = compile_fixture("q-mqa", "akida2-like", 4);
  const std::string good = encode_weights_file(quantize_program_weights(c.program, *c.source.weights));
  const uint64_t data_start = decode_weights_file(good, "w.nkw").ops.front().tiles.front().offset;

  check_fails_at(good.substr(0, 5), "the file ends in the magic number");
  check_fails_at(good.substr(0, 100), "the file ends in");
  check_fails_at(good.substr(0, good.size() - 1), "the file ends inside op");
  check_fails_at(good + "x", "bytes follow the last tile");
  std::string bad = good;
  bad[0] = 'X';
  check_fails_at(bad, "offset 0: not a neurokv weights file");
  bad = good;
  bad[8] = 3;
  check_fails_at(bad, "offset 8: version 3 is not supported, expected 1 to 2");
  bad = good;
  bad[data_start + 10] = static_cast<char>(bad[data_start + 10] ^ 0x10);
  check_fails_at(bad, fmt::format("offset {}: op 'pos_embed' tile 0: checksum", data_start));
}

namespace {

// Activation scales for every op of the program, each a distinct value.
ActivationCalibration sample_scales(const ir::Program& program) {
  ActivationCalibration scales;
  scales.source = "sample.txt (64 tokens)";
  for (const ir::Op& op : program.ops) scales.ops.push_back({op.name, 0.25f * static_cast<float>(op.id)});
  return scales;
}

}  // namespace

TEST_CASE(
    "activation scales round-trip through a version-2 file, keyed by op name, and verify against the "
    "program") {
  const Compiled c = compile_fixture("q-mqa", "akida2-like", 4);
  WeightsFile written = quantize_program_weights(c.program, *c.source.weights);
  const std::string plain = encode_weights_file(written);
  written.activations = sample_scales(c.program);
  const std::string bytes = encode_weights_file(written);
  const WeightsFile read = decode_weights_file(bytes, "w.nkw");
  CHECK(read.version == 2);
  REQUIRE(read.activations);
  CHECK(read.activations->method == CalibrationMethod::Max);
  CHECK(read.activations->source == "sample.txt (64 tokens)");
  CHECK(read.activations->ops == written.activations->ops);
  CHECK(verify_weights(read, c.program).empty());
  // The section sits between the op directory and the tiles: the file grows by its entries alone.
  std::size_t entries = written.activations->source.size();
  for (const ActivationScale& scale : written.activations->ops) entries += 2 + scale.op.size() + 4;
  CHECK(bytes.size() == plain.size() + entries);
  CHECK_FALSE(decode_weights_file(plain, "w.nkw").activations);

  WeightsFile renamed = read;
  renamed.activations->ops[3].op = "l9.nothing";
  const std::vector<std::string> problems = verify_weights(renamed, c.program);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems.front(),
             Catch::Contains("activation scale 3 is op 'l9.nothing', the program's op %3 is "));
  renamed.activations->ops.pop_back();
  CHECK_THAT(verify_weights(renamed, c.program).front(),
             Catch::Contains("34 activation scales, the program has 35 ops"));
}

TEST_CASE("a version-1 file (before activation scales) still reads: the same weights, no scales") {
  // tests/fixtures/weights/q-mqa-v1.nkw: written by the version-1 writer, `neurokv compile --context 32
  // --weight-bits 4 -m tests/fixtures/onnx/q-mqa.onnx -o q-mqa.nkir`.
  const Compiled c = compile_fixture("q-mqa", "akida2-like", 4);
  const WeightsFile v1 =
      load_weights_file(std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/weights/q-mqa-v1.nkw");
  CHECK(v1.version == 1);
  CHECK_FALSE(v1.activations);
  CHECK(verify_weights(v1, c.program).empty());
  const WeightsFile today = quantize_program_weights(c.program, *c.source.weights);
  REQUIRE(v1.ops.size() == today.ops.size());
  for (std::size_t i = 0; i < v1.ops.size(); ++i) CHECK(v1.ops[i].tensor == today.ops[i].tensor);
}

TEST_CASE(
    "a damaged or truncated activation-scales section is an InputError naming the file and the offset") {
  const Compiled c = compile_fixture("q-mqa", "akida2-like", 4);
  WeightsFile file = quantize_program_weights(c.program, *c.source.weights);
  // Without scales the section is its last 7 bytes before the tiles: method, source length, count.
  const uint64_t section =
      decode_weights_file(encode_weights_file(file), "w.nkw").ops.front().tiles.front().offset - 7;
  file.activations = sample_scales(c.program);
  const std::string good = encode_weights_file(file);
  const uint64_t first_scale =
      section + 1 + 2 + file.activations->source.size() + 4 + 2 + file.activations->ops[0].op.size();

  check_fails_at(good.substr(0, section + 20),
                 fmt::format("offset {}: the file ends in the calibration source", section + 3));
  check_fails_at(good.substr(0, first_scale + 2),
                 fmt::format("offset {}: the file ends in op '{}': activation scale", first_scale,
                             file.activations->ops[0].op));
  std::string bad = good;
  bad[section] = 7;
  check_fails_at(bad, fmt::format("offset {}: activation scales' method 7, expected 0 (none) or 1", section));
  bad = good;
  put_le_nan(bad, first_scale);
  check_fails_at(bad, fmt::format("offset {}: op '{}': activation scale nan, expected a finite scale >= 0",
                                  first_scale, file.activations->ops[0].op));
  bad = good;
  bad[section] = 0;
  check_fails_at(bad, fmt::format("offset {}: activation scales' method 0 (none) with 35 scales", section));
}

TEST_CASE("a weights file that is not the program's is reported op by op") {
  const Compiled mqa = compile_fixture("mqa", "akida2-like", 8);
  const Compiled qkv = compile_fixture("qkv", "akida2-like", 8);
  const WeightsFile file = quantize_program_weights(qkv.program, *qkv.source.weights);
  const std::vector<std::string> problems = verify_weights(file, mqa.program);
  REQUIRE_FALSE(problems.empty());
  CHECK_THAT(problems.front(), Catch::Contains("l0.k_proj") &&
                                   Catch::Contains("[64, 64] with bias at 8 bits") &&
                                   Catch::Contains("needs [16, 64]"));
}

TEST_CASE("compile writes the weights file beside an ONNX model's program and ir verify checks it") {
  const std::string dir = "/tmp/neurokv-weights-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  test::CliResult r =
      test::run_cli("compile --context 32 -o " + dir + "/m.nkir --model '" + kOnnxFixtures + "mixed.onnx'");
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::exists(dir + "/m.nkw"));
  r = test::run_cli("ir verify " + dir + "/m.nkir");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains(dir + "/m.nkw: ok (18 ops with weights)"));

  std::filesystem::resize_file(dir + "/m.nkw", 2000);
  r = test::run_cli("ir verify " + dir + "/m.nkir");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/m.nkw: offset "));

  // A YAML model has no real weights: the program alone.
  r = test::run_cli("compile --context 32 -m edge-tiny -o " + dir + "/y.nkir");
  CHECK(r.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(dir + "/y.nkw"));
  std::filesystem::remove_all(dir);
}

// CNN layers in the Event IR (issue 15, part 1): a CNN model compiled to one op per layer whose tiles are
// map_cnn's (input tile, filter group) pairs, its .nkir round trip, the verifier's CNN rules, and the frame
// cost computed from the program against the one computed from the model and its mapping.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/ir/cnn_layer.hpp"
#include "compiler/ir/parser.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "compiler/support/error.hpp"
#include "simulator/frame_cost.hpp"
#include "simulator/frame_report_render.hpp"
#include "study/cnn_program.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/ir_equal.hpp"

using namespace neurokv;
using Catch::Matchers::Contains;
using passes::MapMode;

namespace {

using test::chip;
CnnSpec model(const std::string& name) { return test::cnn_model(name); }

const std::vector<std::string> kCnnModels{"ds-cnn-kws",       "akidanet-0.25-224", "akidanet-0.5-224",
                                          "akidanet-1.0-224", "akidanet-vww",      "akidanet-vww-notebook"};
const std::vector<std::string> kCnnChips{"akd1000-like", "akd1500-like"};
const std::vector<MapMode> kModes{MapMode::Minimal, MapMode::AllNps};

ir::Program compiled(const std::string& name, const std::string& hw, MapMode mode) {
  return compile_cnn(model(name), chip(hw), passes::to_string(mode)).program;
}

// The problems of `program` that contain `text`.
std::vector<std::string> problems_with(const ir::Program& program, const std::string& text) {
  std::vector<std::string> found;
  for (const std::string& problem : ir::verify_program(program)) {
    if (problem.find(text) != std::string::npos) found.push_back(problem);
  }
  return found;
}

}  // namespace

TEST_CASE("A CNN compiles to one op per layer, tiled as map_cnn maps it") {
  const CnnSpec spec = model("ds-cnn-kws");
  const HwConfig hw = chip("akd1000-like");
  const passes::CnnMapping mapping = passes::map_cnn(spec, hw, MapMode::AllNps);
  const ir::Program p = compiled("ds-cnn-kws", "akd1000-like", MapMode::AllNps);
  CHECK(p.model.network == ir::Network::Cnn);
  CHECK(p.model.map_mode == "allnps");
  CHECK(p.model.spread == mapping.spread);
  REQUIRE(p.ops.size() == 6);
  const std::vector<ir::OpKind> kinds{ir::OpKind::Conv2d,    ir::OpKind::Separable, ir::OpKind::Separable,
                                      ir::OpKind::Separable, ir::OpKind::Separable, ir::OpKind::Dense};
  for (std::size_t i = 0; i < p.ops.size(); ++i) CHECK(p.ops[i].kind == kinds[i]);

  // conv_0: 49x10x1, kernel 5, stride 2, 'same' (pad 2) -> 25x5x64, on the HRC as one tile.
  const ir::Op& conv = p.ops[0];
  CHECK(std::vector<int64_t>{conv.in_height, conv.in_width, conv.in_features} ==
        std::vector<int64_t>{49, 10, 1});
  CHECK(std::vector<int64_t>{conv.out_height, conv.out_width, conv.out_features} ==
        std::vector<int64_t>{25, 5, 64});
  CHECK(conv.kernel == 5);
  CHECK(conv.stride == 2);
  CHECK(conv.pad == 2);
  CHECK(conv.in_bits == 8);
  REQUIRE(conv.tiles.size() == 1);
  CHECK(conv.tiles[0].on_hrc);
  CHECK(conv.tiles[0].weight_bytes == layer_weight_bytes(spec.layers[0]));
  // separable_4 pools globally: 25x5 -> 1x1; dense_5 reads the 64 channels.
  CHECK(p.ops[4].pool == ir::Pooling::GlobalAvg);
  CHECK(p.ops[4].out_height == 1);
  CHECK(p.ops[5].in_features == 64);
  CHECK(p.ops[5].out_features == 33);
  CHECK(p.ops[5].relu == ir::Relu::No);

  // Every NP layer: its tiles are its (input tile, filter group) pairs on the mapping's NPs, in order.
  int np_tiles = 0;
  for (std::size_t i = 1; i < p.ops.size(); ++i) {
    const passes::LayerMapping& m = mapping.layers[i];
    const ir::Op& op = p.ops[i];
    REQUIRE(op.tiles.size() == static_cast<std::size_t>(m.spatial_tiles * m.filter_tiles));
    for (std::size_t t = 0; t < op.tiles.size(); ++t) CHECK(op.tiles[t].np == m.nps[t]);
    np_tiles += static_cast<int>(op.tiles.size());
  }
  CHECK(np_tiles == mapping.nps_needed);
  // A separable layer's 16 filter groups of 4 channels each hold their filters and all 64 depthwise kernels:
  // ceil((4 x (64 x 4 + 4) + 3 x 3 x 64 x 4) / 8) = 418 bytes.
  CHECK(p.ops[1].tiles.size() == 16);
  CHECK(p.ops[1].tiles[0].out_end - p.ops[1].tiles[0].out_begin == 4);
  CHECK(p.ops[1].tiles[0].weight_bytes == 418);
  CHECK(ir::verify_program(p).empty());
  CHECK(ir::verify_against(p, hw).empty());
}

TEST_CASE("Every shipped CNN's program prints and reads back identically and verifies") {
  for (const std::string& name : kCnnModels) {
    for (const std::string& hw : kCnnChips) {
      for (MapMode mode : kModes) {
        INFO(name << " on " << hw << ", " << passes::to_string(mode));
        ir::Program p;
        try {
          p = compiled(name, hw, mode);
        } catch (const MappingError&) {
          continue;  // does not fit this chip: the frame cost test holds both paths to the same refusal
        }
        const std::string text = ir::print_program(p);
        const ir::Program back = ir::parse_program(text, name + ".nkir");
        CHECK(test::same_program(p, back));
        CHECK(ir::print_program(back) == text);
        CHECK(text.rfind("neurokv-ir 5\n", 0) == 0);
        CHECK(ir::verify_program(back).empty());
        CHECK(ir::verify_against(back, chip(hw)).empty());
      }
    }
  }
}

TEST_CASE("A CNN's frame cost from its compiled program equals the cost from its model and mapping") {
  int compared = 0;
  for (const std::string& name : kCnnModels) {
    for (const std::string& hw_name : kCnnChips) {
      for (MapMode mode : kModes) {
        INFO(name << " on " << hw_name << ", " << passes::to_string(mode));
        const CnnSpec spec = model(name);
        const HwConfig hw = chip(hw_name);
        passes::CnnMapping mapping;
        try {
          mapping = passes::map_cnn(spec, hw, mode);
        } catch (const MappingError&) {
          CHECK_THROWS_AS(compile_cnn(spec, hw, passes::to_string(mode)), MappingError);
          continue;
        }
        const FrameReport direct = estimate_frame(spec, mapping, hw);
        const ir::Program program = compile_cnn(spec, hw, passes::to_string(mode)).program;
        const FrameReport from_ir = study::estimate_program_frame(program, name + ".nkir", hw);
        CHECK(frame_report_json(from_ir).dump() == frame_report_json(direct).dump());
        CHECK(frame_report_table(from_ir) == frame_report_table(direct));
        ++compared;
      }
    }
  }
  CHECK(compared == 24);  // every shipped CNN fits both chips in both modes (in passes where it must)
}

TEST_CASE("The verifier holds a CNN layer's shape to its input, kernel, stride, pad and pooling") {
  const ir::Program good = compiled("ds-cnn-kws", "akd1000-like", MapMode::Minimal);
  REQUIRE(ir::verify_program(good).empty());

  ir::Program p = good;
  p.ops[0].out_height = 24;  // floor((49 + 2*2 - 5) / 2) + 1 = 25
  CHECK_THAT(problems_with(p, "out_height").at(0),
             Contains("op %0 conv_0 has out_height 24, expected floor((49 + 2*2 - 5) / 2) + 1 = 25"));

  p = good;
  p.ops[1].in_features = 32;  // conv_0 writes 64 channels
  CHECK_THAT(problems_with(p, "reads").at(0),
             Contains("op %1 separable_1 reads 25x5x32 at 4 bits, expected op %0 conv_0's output 25x5x64"));

  p = good;
  p.ops[4].pool = ir::Pooling::None;  // 25x5 stays 25x5 without the global pooling, not 1x1
  CHECK(!problems_with(p, "op %4 separable_4 has out_height 1").empty());

  p = good;
  p.ops[5].kernel = 3;
  CHECK(!problems_with(p, "is dense with kernel 3").empty());
}

TEST_CASE("The verifier holds a CNN layer's tiles to its (input tile, filter group) pairs, each once") {
  const ir::Program good = compiled("akidanet-0.5-224", "akd1000-like", MapMode::AllNps);
  REQUIRE(ir::verify_program(good).empty());
  // separable_5 reads its 28 rows in 2 input tiles, each with 2 filter groups of 64 channels.
  const ir::Op& sep = good.ops[5];
  REQUIRE(sep.name == "separable_5");
  REQUIRE(sep.tiles.size() == 4);
  CHECK(sep.tiles[3].row_begin == 14);
  CHECK(sep.tiles[3].out_begin == 64);

  ir::Program p = good;
  p.ops[5].tiles[0].row_end = sep.in_height + 1;
  CHECK(!problems_with(p, "expected non-empty ranges inside rows 0..28 x channels 0..128").empty());

  p = good;
  p.ops[5].tiles.pop_back();  // the pair (rows 14..28, channels 64..128) is gone; both axes stay covered
  CHECK(problems_with(p, "op %5 separable_5 has 0 tiles for rows 14..28 x channels 64..128").size() == 1);

  p = good;
  p.ops[5].tiles[1] = p.ops[5].tiles[0];  // the first pair twice, the second missing
  p.ops[5].tiles[1].index = 1;
  CHECK(!problems_with(p, "has 2 tiles for rows 0..14 x channels 0..64").empty());
  CHECK(!problems_with(p, "has 0 tiles for rows 0..14 x channels 64..128").empty());

  p = good;
  p.ops[2].tiles[0].on_hrc = true;  // only the first layer runs on the HRC
  CHECK(!problems_with(p, "op %2 conv_2 tile 0 is on the HRC").empty());

  p = good;
  p.ops[3].tiles[0].weight_bytes += 1;
  CHECK(!problems_with(p, "op %3 conv_3 tile 0 has weight_bytes").empty());
}

TEST_CASE("A CNN program is read back as its layers and mapping, and a transformer program is refused") {
  const CnnSpec spec = model("akidanet-vww");
  const HwConfig hw = chip("akd1500-like");
  const passes::CnnMapping mapping = passes::map_cnn(spec, hw, MapMode::Minimal);
  const study::CnnProgram back = study::cnn_of_program(compile_cnn(spec, hw, "minimal").program, "vww.nkir");
  REQUIRE(back.spec.layers.size() == spec.layers.size());
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const CnnLayer& a = spec.layers[i];
    const CnnLayer& b = back.spec.layers[i];
    CHECK(b.kind == a.kind);
    CHECK(b.in.elements() == a.in.elements());
    CHECK(b.conv_out.elements() == a.conv_out.elements());
    CHECK(b.out.elements() == a.out.elements());
    CHECK(b.input_density == a.input_density);
    CHECK(layer_weight_bytes(b) == layer_weight_bytes(a));
    const passes::LayerMapping& m = mapping.layers[i];
    const passes::LayerMapping& n = back.mapping.layers[i];
    CHECK(n.engine == m.engine);
    CHECK(n.spatial_tiles == m.spatial_tiles);
    CHECK(n.filter_tiles == m.filter_tiles);
    CHECK(n.nps == m.nps);
  }
  CHECK(back.mapping.nps_used == mapping.nps_used);
  CHECK(back.mapping.nps_needed == mapping.nps_needed);
  CHECK(back.mapping.passes == mapping.passes);

  ir::Program transformer;
  CHECK_THROWS_WITH(study::cnn_of_program(transformer, "t.nkir"),
                    Contains("t.nkir: a transformer program, expected a CNN program"));
}

TEST_CASE("A layer the IR's symmetric pad cannot state is refused, and --map-mode takes two words") {
  CnnSpec spec = model("ds-cnn-kws");
  spec.layers[1].kernel = 2;  // 'same' with an even kernel pads one side more than the other
  CHECK_THROWS_WITH(compile_cnn(spec, chip("akd1000-like"), "minimal"),
                    Contains("layer separable_1: kernel 2 with padding 'same' pads unevenly"));
  CHECK_THROWS_WITH(compile_cnn(model("ds-cnn-kws"), chip("akd1000-like"), "fast"),
                    Contains("--map-mode fast: not a mapping mode, expected minimal or allnps"));
}

TEST_CASE("A version-4 program still reads, and a CNN program is version 5") {
  const ir::Program cnn = compiled("ds-cnn-kws", "akd1000-like", MapMode::Minimal);
  std::string text = ir::print_program(cnn);
  REQUIRE(text.rfind("neurokv-ir 5\n", 0) == 0);
  // A transformer program written by a version-4 writer: the same lines under the old version number.
  const std::string v4 =
      "neurokv-ir 4\nmodel t layers=1 d_model=4\nvariant QKV\nchip c mesh_cols=1 mesh_rows=1 nps_per_node=1 "
      "weight_sram_bytes=64 input_sram_bytes=64\nprecision weight_bits=8 act_bits=8 kv_bits=8\ncontext 8\n"
      "fused_kv no\nop %0 l0.o linear layer=0 role=o in_features=4 out_features=4 weight_bits=8\n"
      "  tile 0 np=(0,0,0) out=0..4 weight_bytes=16\nschedule prefill\n  step %0 wave=0\nschedule decode\n"
      "  step %0 wave=0\nend\n";
  const ir::Program old = ir::parse_program(v4, "old.nkir");
  CHECK(old.model.network == ir::Network::Transformer);
  CHECK(ir::verify_program(old).empty());
  CHECK(ir::print_program(old).rfind("neurokv-ir 5\n", 0) == 0);
  text.replace(0, std::string("neurokv-ir 5").size(), "neurokv-ir 6");
  CHECK_THROWS_WITH(ir::parse_program(text, "new.nkir"),
                    Contains("new.nkir:1:12: neurokv-ir 6 is not supported, expected version 2 to 5"));
}

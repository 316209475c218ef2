// CNN models (issue 15, part 1): the layer-list YAML, the mapping onto NPs in MetaTF's modes, held against
// BrainChip's published NP counts, and the per-frame cost.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/frame_cost.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;
using passes::LayerEngine;
using passes::MapMode;

namespace {

const std::string kChips = std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs";

using test::chip;
CnnSpec model(const std::string& name) { return test::cnn_model(name); }

std::vector<int> nps_by_layer(const passes::CnnMapping& m) {
  std::vector<int> out;
  for (const passes::LayerMapping& l : m.layers) out.push_back(l.np_count());
  return out;
}

bool within(double ours, double published, double tolerance) {
  return ours >= published * (1 - tolerance) && ours <= published * (1 + tolerance);
}

// akd1000-like with another mesh (and, if asked, no DRAM), for the limits.
HwConfig small_chip(int cols, int rows, bool dram) {
  const std::string file = kChips + "/akd1000-like.yaml";
  std::string text = read_whole_file(file, "a chip YAML");
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("cols: {value: 5,", "cols: {value: " + std::to_string(cols) + ",");
  replace("rows: {value: 4,", "rows: {value: " + std::to_string(rows) + ",");
  if (!dram) {
    const size_t begin = text.find("\ndram:");
    const size_t end = text.find("\nenergy:");
    REQUIRE(begin != std::string::npos);
    text.erase(begin, end - begin);
  }
  return parse_hw(text, "small-akd1000.yaml");
}

}  // namespace

TEST_CASE("DS-CNN and AkidaNet 0.5/224 load with the shapes and parameter counts BrainChip publishes") {
  const CnnSpec ds = model("ds-cnn-kws");
  REQUIRE(ds.layers.size() == 6);
  CHECK(ds.layers[0].kind == CnnLayerKind::InputConv);
  CHECK(ds.layers[0].out.height == 25);  // [25, 5, 64] in the mapped summary (Akida user guide)
  CHECK(ds.layers[0].out.width == 5);
  CHECK(ds.layers[0].out.channels == 64);
  CHECK(ds.layers[4].out.elements() == 64);  // separable_4 -> [1, 1, 64]: the global average pool
  CHECK(ds.layers[5].out.channels == 33);
  // akida_examples plot_2_ds_cnn_kws, the Keras ds_cnn_kws: "Trainable params: 22,753".
  CHECK(parameter_count(ds) == 22753);

  const CnnSpec net = model("akidanet-0.5-224");
  REQUIRE(net.layers.size() == 15);
  CHECK(net.layers[0].out.height == 112);
  CHECK(net.layers[12].out.height == 7);  // separable_12 -> [7, 7, 512]
  CHECK(net.layers[12].out.channels == 512);
  // akida_examples plot_1_akidanet_imagenet, the Keras akidanet_imagenet alpha 0.5: "Total params:
  // 1,375,880".
  CHECK(parameter_count(net) == 1375880);
  // 4-bit weights: separable_13 holds 3×3×512 depthwise and 512×512 pointwise weights and 512 biases.
  CHECK(layer_weight_bytes(net.layers[13]) == (9 * 512 + 512 * 512 + 512) / 2);
}

TEST_CASE("AllNps on akd1000-like maps DS-CNN and AkidaNet 0.5/224 onto BrainChip's published NP counts") {
  const HwConfig hw = chip("akd1000-like");
  // Published: BrainChip's Akida user guide, "Command-line interface for model evaluation": `akida run` on
  // the AKD1000 reference board (MetaTF's default mapping, AllNps) lists DS-CNN (ds_cnn_kws_i8_w4_a4_laq1)
  // on 65 NPs (separable_1..4: 16 each, dense_5: 1, conv_0 on the HRC: N/A) and AkidaNet 0.5/224
  // (akidanet_imagenet_224_alpha_50_iq8_wq4_aq4) on 68 NPs. Issue 15 asks for ±15 %.
  const passes::CnnMapping ds = passes::map_cnn(model("ds-cnn-kws"), hw, MapMode::AllNps);
  CHECK(within(ds.nps_used, 65, 0.15));
  CHECK(nps_by_layer(ds) == std::vector<int>{0, 16, 16, 16, 16, 1});  // published per layer: equal
  CHECK(ds.spread == 16);
  CHECK(ds.passes == 1);

  const passes::CnnMapping net = passes::map_cnn(model("akidanet-0.5-224"), hw, MapMode::AllNps);
  CHECK(within(net.nps_used, 68, 0.15));
  CHECK(net.nps_used == 67);
  // Published per layer: conv_1..3 on 4, 6, 3; separable_4..13 on 6, 4, 8, 4, 4, 4, 4, 4, 8, 8; classifier
  // on 1. conv_1 by its width (112 columns, at most 32 per Akida 1 NP: 4 input tiles); ours differs on conv_2
  // only (5: its input's bytes over the input buffers).
  CHECK(nps_by_layer(net) == std::vector<int>{0, 4, 5, 3, 6, 4, 8, 4, 4, 4, 4, 4, 8, 8, 1});
  CHECK(net.spread == 1);  // doubling the CNP layers (130 NPs) would not fit 80
  CHECK(net.layers[0].engine == LayerEngine::Hrc);
  CHECK(net.layers[14].engine == LayerEngine::Fnp2);  // 256,500 B of weights > 44,800 B of weight SRAM
  CHECK(ds.layers[5].engine == LayerEngine::Fnp3);
}

TEST_CASE("Minimal maps each layer onto the fewest NPs its weights and input allow") {
  // Published: BrainChip's model zoo page (Akida 1.0 models, minimal NPs, on AKD1500): DS-CNN on 5 NPs.
  const passes::CnnMapping ds = passes::map_cnn(model("ds-cnn-kws"), chip("akd1500-like"), MapMode::Minimal);
  CHECK(ds.nps_used == 5);
  // Published (akida_examples plot_1_akidanet_imagenet, AKD1000, a later MetaTF's default `map(device)`, its
  // mode not stated; compared with our Minimal): 32 NPs, by layer
  // conv_1..3 4, 6, 3; separable_4..13 3, 2, 2, 1, 1, 1, 1, 1, 2, 4; classifier 1. The separable layers
  // agree layer by layer: separable_4..6 by their input (100,352 and 50,176 B over 43,008 B of input
  // buffers), separable_12 and 13 by their weights (512 filters of 128 and 256 B over 44,800 B).
  const passes::CnnMapping net =
      passes::map_cnn(model("akidanet-0.5-224"), chip("akd1000-like"), MapMode::Minimal);
  CHECK(nps_by_layer(net) == std::vector<int>{0, 4, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 2, 4, 1});
  CHECK(net.nps_used == 31);
  CHECK(within(net.nps_used, 32, 0.15));
}

TEST_CASE("A network that does not fit the chip at once runs in passes, or is refused without DRAM") {
  const CnnSpec net = model("akidanet-0.5-224");
  const passes::CnnMapping tiny = passes::map_cnn(net, small_chip(2, 2, true), MapMode::Minimal);
  // 16 NPs: conv_1..separable_4 take 15 (4 + 5 + 3 + 3); separable_5 (2) starts the second pass.
  CHECK(tiny.passes == 2);
  CHECK(tiny.nps_used == 16);
  CHECK(tiny.layers[4].pass == 0);
  CHECK(tiny.layers[5].pass == 1);
  const FrameReport r = estimate_frame(net, tiny, small_chip(2, 2, true));
  CHECK(r.reload_cycles > 0);
  // Every weight, every frame: the passes reload theirs, the classifier (FNP2) streams its own.
  CHECK(r.counts.dram_bytes == Approx(static_cast<double>(r.weight_bytes)));
  CHECK_THROWS_WITH(passes::map_cnn(net, small_chip(2, 2, false), MapMode::Minimal),
                    Catch::Contains("starts a second pass") && Catch::Contains("no DRAM"));
  // A layer needing more NPs than the chip has is refused, naming it.
  CHECK_THROWS_WITH(
      passes::map_cnn(net, small_chip(1, 1, true), MapMode::Minimal),
      Catch::Contains("layer conv_2 needs 5 NPs (5 input tiles x 1 filter groups), the chip has 4"));
}

TEST_CASE("The frame cost counts the HRC dense and the NPs by their events") {
  const HwConfig hw = chip("akd1000-like");
  const CnnSpec ds = model("ds-cnn-kws");
  const FrameReport r = estimate_frame(ds, passes::map_cnn(ds, hw, MapMode::AllNps), hw);
  REQUIRE(r.layers.size() == 6);
  // conv_0 on the HRC: every one of 25 × 5 outputs × 5 × 5 × 64 MACs, zeros included.
  CHECK(r.layers[0].synops == 25.0 * 5 * 25 * 64);
  CHECK(r.layers[0].events == 0);
  // separable_1: the depthwise part on half its 25 × 5 × 64 inputs (125 × 9 × 64 / 2), the pointwise part
  // dense inside the NP (125 × 64 × 64).
  CHECK(r.layers[1].synops == 125.0 * 9 * 64 / 2 + 125.0 * 64 * 64);
  CHECK(r.layers[1].events == 25.0 * 5 * 64 / 2);
  CHECK(r.counts.synaptic_ops() == Approx(r.layers[0].synops + 4 * r.layers[1].synops + r.layers[5].synops));
  CHECK(r.layers[5].synops == 64.0 * 33 / 2);
  CHECK(r.power.powered_nps == 65);
  CHECK(r.cycles > 0);
  CHECK(r.latency_s == Approx(r.cycles / 300e6));
  CHECK(r.energy.total() == Approx(r.energy.dynamic() + r.energy.static_total()));
  // 8-bit HRC weights on a chip that lists 1, 2, 4-bit MAC energies: priced at 4 bits, and said so.
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].find("conv_0 runs on the HRC with 8-bit weights") != std::string::npos);
}

TEST_CASE(
    "Filter updates: every input event applied to each filter it reaches, shared by filter groups only") {
  HwConfig hw = chip("akd1500-like");
  CHECK(hw.np.event_filter_cycles == 0);  // shipped: assumed 0, the frame as the MAC lanes alone give it
  CHECK(hw.energy.event_filter_pj == 0);
  const CnnSpec vww = model("akidanet-vww");
  const passes::CnnMapping map = passes::map_cnn(vww, hw, MapMode::AllNps);
  const FrameReport base = estimate_frame(vww, map, hw);
  hw.np.event_filter_cycles = 0.5;
  hw.energy.event_filter_pj = 20;
  const FrameReport r = estimate_frame(vww, map, hw);
  // conv_0 on the HRC: every one of 96 × 96 × 3 input values, 8 filters, on its one unit.
  CHECK(r.layers[0].cycles - base.layers[0].cycles == Approx(96.0 * 96 * 3 * 8 * 0.5));
  // conv_2 (48 × 48 × 16 in, 32 filters, stride 2): per input event, not per output; two input tiles (48
  // columns > 32) and one filter group, so both NPs do every update (AllNps: 32 filters, one group of 64).
  REQUIRE(map.layers[2].spatial_tiles == 2);
  REQUIRE(map.layers[2].filter_tiles == 1);
  const double conv2_events = 48.0 * 48 * 16 * vww.activation_density;
  CHECK(r.layers[2].cycles - base.layers[2].cycles == Approx(conv2_events * 32 * 0.5));
  // separable_12 (6 × 6 × 128 in, 256 filters in 4 groups): as a convolution with 256 filters, shared by
  // the groups.
  REQUIRE(map.layers[12].filter_tiles == 4);
  CHECK(r.layers[12].cycles - base.layers[12].cycles ==
        Approx(6.0 * 6 * 128 * vww.activation_density * 256 / 4 * 0.5));
  // Every update is priced once in the event line; nothing else moves.
  double updates = 96.0 * 96 * 3 * 8;
  for (size_t i = 1; i < vww.layers.size(); ++i)
    updates += static_cast<double>(vww.layers[i].in.elements()) * vww.layers[i].input_density *
               static_cast<double>(vww.layers[i].filters);
  CHECK(r.counts.event_filter_updates == Approx(updates));
  CHECK(r.energy.event - base.energy.event == Approx(updates * 20e-12));
  CHECK(r.energy.mac == base.energy.mac);
  CHECK(r.energy.sram == base.energy.sram);
}

TEST_CASE("A CNN YAML with a mistake names the file, the place and what was expected") {
  const std::string head =
      "name: bad\nnetwork: cnn\nsource: test\ninput: {height: 8, width: 8, channels: 4}\nlayers:\n";
  auto error_of = [&](const std::string& layers) -> std::string {
    try {
      parse_cnn_model(head + layers, "bad.yaml");
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(
      error_of("  - {name: a, kind: depthwise, kernel: 3, filters: 4}\n") ==
      "bad.yaml:6:52: layer a (depthwise) has no 'filters', expected it left out: a depthwise layer has one "
      "output channel per input channel");
  CHECK(error_of("  - {name: a, kind: pointwise, kernel: 3, filters: 4}\n") ==
        "bad.yaml:6:40: layer a is pointwise with kernel 3, expected kernel 1 or no 'kernel'");
  CHECK(error_of("  - {name: a, kind: conv2d, filters: 4}\n  - {name: b, kind: input_conv, filters: 4}\n")
            .find("layer b is an input_conv after layer a, expected input_conv only as the first layer") !=
        std::string::npos);
  CHECK(error_of("  - {name: a, kind: conv2d, kernel: 9, padding: valid, filters: 4}\n")
            .find("kernel 9 does not fit its 8x8 input with padding 'valid'") != std::string::npos);
  CHECK(error_of("  - {name: a, kind: conv2d, filters: 4, groups: 2}\n")
            .find("unknown key 'layers[0].groups'") != std::string::npos);
  CHECK(error_of("  - {name: a, kind: conv2d, filters: 4, act_bits: 3}\n")
            .find("'layers[0].act_bits' is 3, expected 1, 2, 4 or 8") != std::string::npos);
  CHECK(error_of("  - {name: a, kind: conv3d, filters: 4}\n").find("kind 'conv3d' is not supported") !=
        std::string::npos);
  CHECK(error_of("  - {name: a, kind: conv2d, filters: 4}\n  - {name: a, kind: dense, filters: 2}\n")
            .find("layer name 'a' is used twice") != std::string::npos);
  CHECK(
      error_of("  - {name: a, kind: dense, filters: 2, pool: max}\n").find("layer a (dense) has no 'pool'") !=
      std::string::npos);
}

TEST_CASE("AkidaNet 1.0 and 0.25 at 224, held out: Minimal against the model zoo's NP counts") {
  // BrainChip's model zoo page (akida_examples model_zoo_performance, Akida 1.0 models, classification):
  // AkidaNet 224 with 4.4M parameters on 116 NPs, AkidaNet 0.25 224 with 480K on 22 (its 0.5 224 row: 1.4M on
  // 32, the figure the Minimal test above compares). The mapping rules were set on AkidaNet 0.5 and DS-CNN;
  // these two were not used to set them.
  const HwConfig hw = chip("akd1000-like");
  const CnnSpec wide = model("akidanet-1.0-224");
  CHECK(parameter_count(wide) == 4427048);  // "4.4M"
  const passes::CnnMapping w = passes::map_cnn(wide, hw, MapMode::Minimal);
  CHECK(w.nps_needed == 108);  // −6.9 %
  CHECK(within(w.nps_needed, 116, 0.15));
  CHECK(w.passes == 2);     // 108 NPs on an 80-NP chip
  CHECK(w.nps_used == 79);  // the first pass: conv_1 .. separable_11 (79 NPs); separable_12 needs 14 more

  const CnnSpec narrow = model("akidanet-0.25-224");
  CHECK(parameter_count(narrow) == 478904);  // "480K"
  const passes::CnnMapping n = passes::map_cnn(narrow, hw, MapMode::Minimal);
  CHECK(n.nps_needed == 22);  // conv_1 on 4 NPs by its width: equal
  CHECK(within(n.nps_needed, 22, 0.15));
  CHECK(n.passes == 1);
}

TEST_CASE("VWW (AkidaNet 0.25/96, 2 classes) on akd1500-like against BrainChip's published 17 and 29 NPs") {
  const CnnSpec vww = model("akidanet-vww");
  REQUIRE(vww.layers.size() == 15);
  CHECK(vww.layers[0].out.height == 48);  // conv_0 3×3/2 on 96 × 96 × 3
  CHECK(vww.layers[0].out.channels == 8);
  CHECK(vww.layers[12].out.height == 3);        // separable_12 -> [3, 3, 256]
  CHECK(vww.layers[13].out.elements() == 256);  // separable_13's global average pool
  CHECK(vww.layers[14].out.channels == 2);
  CHECK(vww.activation_density == Approx(1 - 0.6829));  // devhub metrics.json: 68.29 % sparsity
  // devhub akida1/model_zoo/vww/docs/metrics.json: "params": "226,906", the float Keras model's count, whose
  // 1,496 BatchNorm channels hold four parameters each; folded (ours) a BatchNorm leaves one bias per
  // channel.
  CHECK(parameter_count(vww) == 226906 - 3 * 1496);

  const HwConfig hw = chip("akd1500-like");
  // The devhub's counts (brainchip_utils get_mapping_stats: len(layer.mapping.nps) summed over layers) count
  // the HRC as one NP (devhub knowledge base, "Input layer"); ours leave it out, as the Akida user guide's
  // `akida run` (N/A) and the model zoo page (VWW: 16) do. AllNps: published 29 NPs (metrics.json
  // "allnps_nps"); ours 28 + the HRC: equal.
  const passes::CnnMapping all = passes::map_cnn(vww, hw, MapMode::AllNps);
  CHECK(all.nps_used + 1 == 29);
  CHECK(within(all.nps_used, 29, 0.15));
  CHECK(all.passes == 1);
  // Minimal: published 17 NPs (metrics.json "minimal_nps"), the model zoo page 16 without the HRC; ours 16:
  // conv_1 and conv_2 read 48 columns, more than an Akida 1 NP's 32, so each takes two NPs.
  const passes::CnnMapping min = passes::map_cnn(vww, hw, MapMode::Minimal);
  CHECK(nps_by_layer(min) == std::vector<int>{0, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  CHECK(min.nps_used + 1 == 17);
  CHECK(min.nps_used == 16);
}

TEST_CASE("A layer's measured input_density replaces the model's activation_density for it alone") {
  const std::string head =
      "name: d\nnetwork: cnn\nsource: test\ninput: {height: 16, width: 16, channels: 3}\n"
      "activation_density: 0.3\nlayers:\n"
      "  - {name: a, kind: input_conv, kernel: 3, stride: 2, filters: 8, weight_bits: 8}\n";
  const CnnSpec uniform = parse_cnn_model(head +
                                              "  - {name: b, kind: conv2d, kernel: 3, filters: 16}\n"
                                              "  - {name: c, kind: dense, filters: 2}\n",
                                          "u.yaml");
  CHECK(uniform.layers[0].input_density == 1.0);  // the network's input: every value is an event
  CHECK(uniform.layers[1].input_density == 0.3);
  const CnnSpec measured =
      parse_cnn_model(head +
                          "  - {name: b, kind: conv2d, kernel: 3, filters: 16, input_density: 0.6}\n"
                          "  - {name: c, kind: dense, filters: 2}\n",
                      "m.yaml");
  CHECK(measured.layers[1].input_density == 0.6);
  CHECK(measured.layers[2].input_density == 0.3);  // no figure of its own: the model's

  // Layer b receives twice the events, so it does twice the synaptic operations; the others are unchanged.
  const HwConfig hw = chip("akd1500-like");
  const FrameReport u = estimate_frame(uniform, passes::map_cnn(uniform, hw, MapMode::Minimal), hw);
  const FrameReport m = estimate_frame(measured, passes::map_cnn(measured, hw, MapMode::Minimal), hw);
  CHECK(m.layers[1].events == Approx(2 * u.layers[1].events));
  CHECK(m.layers[1].synops == Approx(2 * u.layers[1].synops));
  CHECK(m.layers[2].synops == Approx(u.layers[2].synops));
  CHECK(m.layers[0].synops == u.layers[0].synops);
}

TEST_CASE("The devhub notebook's VWW run carries its measured per-layer densities") {
  const CnnSpec run = model("akidanet-vww-notebook");
  const CnnSpec vww = model("akidanet-vww");
  REQUIRE(run.layers.size() == vww.layers.size());
  CHECK(parameter_count(run) == parameter_count(vww));  // the same network
  // vww_notebook_benchmark.ipynb: conv_0's outputs 23.86 % zero, separable_12's 89.35 %.
  CHECK(run.layers[1].input_density == Approx(1 - 0.2386));
  CHECK(run.layers[13].input_density == Approx(1 - 0.8935));
  // The mean over its 15 printed sparsities is the notebook's 52.24 %.
  double zeros = 0.50 / 100;  // the classifier's outputs
  for (size_t i = 1; i < run.layers.size(); ++i) zeros += 1 - run.layers[i].input_density;
  CHECK(zeros / 15 == Approx(0.5224).margin(1e-4));
}

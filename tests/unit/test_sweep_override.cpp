// Chip-key overrides: a value replaced in place, a key given twice refused.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "compiler/config/hw_override.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/report_render.hpp"
#include "sweep/compile_cache.hpp"
#include "sweep/journal.hpp"
#include "sweep/pareto.hpp"
#include "sweep/plots.hpp"
#include "sweep/runner.hpp"
#include "tests/unit/sweep_fixture.hpp"
#include "tests/unit/sweep_helpers.hpp"

using namespace neurokv;
using namespace neurokv::sweep;
using namespace neurokv::test;

TEST_CASE("an override replaces the value in place, so lines and comments stay") {
  const std::string text = read_whole_file(kHw + "/akida2-like.yaml");
  const std::string out = override_hw_yaml(text, "chip.yaml", {{"energy.mac_pj.8", 0.2}, {"mesh.cols", 12}});
  const HwConfig hw = parse_hw(out, "chip.yaml");
  CHECK(hw.energy.mac_pj.at(8) == 0.2);
  CHECK(hw.mesh_cols == 12);
  CHECK(std::count(out.begin(), out.end(), '\n') == std::count(text.begin(), text.end(), '\n'));
  CHECK_THROWS_WITH(override_hw_yaml(text, "chip.yaml", {{"mesh.colz", 1}}),
                    Catch::Contains("unknown chip key 'mesh.colz'") && Catch::Contains("mesh.cols"));
}

TEST_CASE("an override of the same key twice is refused, not spliced twice") {
  const std::string text = read_whole_file(kHw + "/akida2-like.yaml");
  CHECK_THROWS_AS(override_hw_yaml(text, "chip.yaml", {{"mesh.cols", 12}, {"mesh.cols", 6}}), InputError);
  CHECK_THROWS_WITH(
      override_hw_yaml(text, "chip.yaml", {{"mesh.cols", 12}, {"np.mac_lanes", 8}, {"mesh.cols", 12}}),
      "chip key 'mesh.cols' is set twice, expected each key of chip.yaml at most once");
}

TEST_CASE(
    "a value set on a parsed chip reports as the chip parsed with the override, for every key it sets") {
  const ModelSpec model = load_model("edge-tiny", std::string(NEUROKV_SOURCE_DIR) + "/models");
  for (const char* name : {"akida2-like", "akd1000-like", "akd1500-like"}) {
    const std::string file = kHw + "/" + name + ".yaml";
    const std::string text = read_whole_file(file);
    const HwConfig base = parse_hw(text, file);
    int set = 0;
    for (const std::string& key : numeric_hw_keys(text, file)) {
      HwConfig fast = base;
      for (double value : {7.0, 0.0, 2e3, 3e9}) {
        HwConfig parsed;
        try {
          parsed = parse_hw(override_hw_yaml(text, file, {{key, value}}), file);
        } catch (const InputError&) {
          continue;  // out of this key's range: try the next value
        }
        if (!set_hw_value(fast, key, value)) break;
        INFO(name << ": " << key << " = " << value);
        const CompileResult compiled =
            compile(model, AttentionVariant::parse("MQA", model.heads), parsed, {});
        const auto rendered = [&](const HwConfig& hw) {
          return report_json(evaluate_compiled({&compiled.program}, hw, {})).dump();
        };
        CHECK(rendered(fast) == rendered(parsed));
        ++set;
        break;
      }
    }
    CHECK(set >= 20);  // the energy, static power, clock, DRAM, NoC, MAC-lane and softmax keys
    HwConfig unchanged = base;
    CHECK_FALSE(set_hw_value(unchanged, "mesh.cols", 2));
    CHECK(unchanged.mesh_cols == base.mesh_cols);
  }
}

TEST_CASE("a grid value admitted without parsing is one the chip's parse accepts, and no refused one is") {
  // Values at, inside and past each key's bounds, non-integers and non-finite numbers: admits() must never
  // say yes where the parse says no (a refused value would run), and says yes for most settable values.
  const std::vector<double> values = {-1.0,        -0.0,
                                      0.0,         1e-3,
                                      0.5,         1.0,
                                      2.0,         7.0,
                                      12.0,        13.0,
                                      64.0,        1e3,
                                      1e6,         1e9,
                                      1e12,        1e15,
                                      2e15,        1e40,
                                      0.999,       1.5,
                                      -1e-9,       std::numeric_limits<double>::infinity(),
                                      std::nan("")};
  for (const char* name : {"akida2-like", "akd1000-like", "akd1500-like"}) {
    const std::string file = kHw + "/" + name + ".yaml";
    const std::string text = read_whole_file(file);
    const ChipOverrider chip(text, file);
    const HwConfig base = parse_hw(text, file);
    int admitted = 0, refused = 0;
    for (const std::string& key : chip.numeric_keys()) {
      HwConfig probe = base;
      const bool settable = set_hw_value(probe, key, 1);
      for (double value : values) {
        INFO(name << ": " << key << " = " << value);
        bool parses = true;
        try {
          parse_hw(chip.apply({{key, value}}), file);
        } catch (const InputError&) {
          parses = false;
        }
        const bool admits = chip.admits({{key, value}});
        if (admits) CHECK(parses);
        if (settable && parses) CHECK(admits);  // a settable key's range is all the parse checks
        if (!settable) CHECK_FALSE(admits);     // a mesh or SRAM key is checked by parsing
        admitted += admits;
        refused += !parses;
      }
    }
    CHECK(admitted >= 100);
    CHECK(refused >= 100);
    // A key given twice is left to apply() to refuse.
    CHECK_FALSE(chip.admits({{"energy.event_pj", 1}, {"energy.event_pj", 1}}));
    CHECK_FALSE(chip.admits({{"energy.event_pjs", 1}}));
  }
}

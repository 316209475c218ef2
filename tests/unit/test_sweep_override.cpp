// Chip-key overrides: a value replaced in place, a key given twice refused.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "compiler/config/hw_override.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
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

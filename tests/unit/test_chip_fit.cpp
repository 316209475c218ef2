// `neurokv calibrate` (issue 15, part 2): the shipped fit files fit BrainChip's published AKD1000 and AKD1500
// frames, report their held-out rows, and write a fitted chip the normal loader reads back.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>

#include "compiler/config/hw_config.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/frame_cost.hpp"
#include "study/chip_fit.hpp"
#include "tests/e2e/cli_runner.hpp"

using namespace neurokv;

namespace {

const std::string kExamples = std::string(NEUROKV_SOURCE_DIR) + "/docs/examples/";

// A row on the fitted chip (or, with `before`, on the base chip).
const study::RowResidual& row(const study::ChipFit& fit, const std::string& name, bool before = false) {
  for (const study::RowResidual& r : before ? fit.before : fit.after) {
    if (r.row->name == name) return r;
  }
  FAIL("no row " << name);
  throw;
}

// Every fit row's measured figures (cycles, dynamic energy, floor) within `tolerance` on the fitted chip.
void check_fit_rows(const study::ChipFit& fit, double tolerance) {
  for (const study::RowResidual& r : fit.after) {
    if (r.held_out) continue;
    for (const auto& [figure, error] : r.relative_error) {
      INFO(r.row->name << " " << figure << " " << error);
      CHECK(std::abs(error) <= tolerance);
    }
  }
}

// The fit of a shipped fit file, every fit row's figures within 10 % (what issue 15 asks). Its rows point
// into `spec`, which must outlive it.
study::ChipFit fitted(const study::ChipFitSpec& spec) {
  const study::ChipFit fit = study::fit_chip(spec);
  check_fit_rows(fit, 0.10);
  return fit;
}

// A held-out row's `figure` within 15 % on the fitted chip (what issue 15 asks of a held-out row).
const study::RowResidual& held_out_within_15(const study::ChipFit& fit, const std::string& name,
                                             const std::string& figure) {
  const study::RowResidual& r = row(fit, name);
  INFO(name << " " << figure);
  CHECK(r.held_out);
  CHECK(std::abs(r.relative_error.at(figure)) <= 0.15);
  return r;
}

}  // namespace

TEST_CASE(
    "calibrate-akd1500: KWS and VWW, both modes, cycles and dynamic energy fitted together within 10 %, the "
    "held-out VWW notebook run in AllNps (2,227,619 cycles) within 15 %",
    "[chip_fit]") {
  const study::ChipFitSpec spec = study::load_chip_fit_spec(kExamples + "calibrate-akd1500.yaml");
  const study::ChipFit fit = fitted(spec);
  // 9 figures (4 frames' cycles, 3 dynamic energies, 2 floors) for 6 free keys: over-determined.
  int figures = 0;
  for (const study::MeasuredRow& r : spec.fit) figures += r.figures();
  CHECK(figures == 9);
  CHECK(spec.free.size() == 6);
  // Published, VWW costs 12.9 times KWS's cycles in Minimal (1,743,040 against 134,806). Without the filter
  // updates (the shipped chip) ours gives less than half of that; fitted, within 10 % of it.
  const auto ratio = [&](bool before) {
    return row(fit, "akd1500-vww-minimal", before).cycles / row(fit, "akd1500-kws-minimal", before).cycles;
  };
  CHECK(ratio(true) < 6.0);
  CHECK(ratio(false) == Approx(1743040.0 / 134806.0).epsilon(0.10));
  // Held out: BrainChip devhub vww_notebook_benchmark.ipynb (commit 743661621bc9), the same VWW network
  // trained again with less sparsity, its per-layer densities measured: AllNps, 2,227,619 clocks per frame.
  held_out_within_15(fit, "akd1500-vww-notebook-allnps", "cycles");
  // The fitted core is Akida 1's as BrainChip describes it: 32 MACs per NP, and about 0.35 clocks per event
  // per filter besides them (c = 0.386 for 1 x 1, 0.648 for 3 x 3; docs/energy-model.md).
  CHECK(fit.values.at("np.mac_lanes") >= 24);
  CHECK(fit.values.at("np.mac_lanes") <= 48);
  CHECK(fit.values.at("np.event_filter_cycles") > 0.25);
  CHECK(fit.values.at("np.event_filter_cycles") < 0.7);
  // The floors: 113.3 mW on 17 NPs, 113.7 mW on 29 (devhub metrics.json, total - dynamic power). They do not
  // grow with the NPs used, so the static power per NP goes to its lower bound and the rest to the uncore.
  CHECK(fit.values.at("energy.np_static_w") < 1e-4);
  CHECK(fit.values.at("energy.uncore_static_w") > 0.09);
  CHECK(fit.values.at("energy.uncore_static_w") < 0.115);
}

TEST_CASE(
    "calibrate-akd1000: DS-CNN and AkidaNet 0.5 cycles, AkidaNet's dynamic energy and both floors within 10 "
    "%",
    "[chip_fit]") {
  const study::ChipFitSpec spec = study::load_chip_fit_spec(kExamples + "calibrate-akd1000.yaml");
  const study::ChipFit fit = fitted(spec);
  // The floors (914.03 mW on 65 NPs, 912.23 mW on 68: Akida user guide) fit within 10 % with the per-NP
  // static power at its lower bound: the board's floor does not follow the NPs used.
  CHECK(fit.values.at("energy.np_static_w") < 1e-4);
  CHECK(fit.values.at("energy.uncore_static_w") > 0.7);
  // Held out: AkidaNet 0.5's 23.48 mJ/frame total misses by about a third with the floor fitted: the board's
  // frame (43.48 fps, 23 ms) is longer than its 4.3 M clocks (14.3 ms), and the floor powers the board for
  // all of it; docs/validation.md. This pins the known miss so a change to it is seen, not a tolerance met.
  const double total = row(fit, "akd1000-akidanet-0.5-total").relative_error.at("total");
  CHECK(total < -0.25);
  CHECK(total > -0.45);
}

TEST_CASE("calibrate writes a fitted chip that loads, holds the fitted values and prices as the fit did",
          "[chip_fit]") {
  const study::ChipFitSpec spec = study::load_chip_fit_spec(kExamples + "calibrate-akd1500.yaml");
  const study::ChipFit fit = study::fit_chip(spec);
  const std::string text = study::fitted_chip_yaml(spec, fit);
  const HwConfig loaded = parse_hw(text, "fitted.yaml");
  CHECK(loaded.name == "akd1500-fitted");
  CHECK(loaded.np.mac_lanes == static_cast<int>(fit.values.at("np.mac_lanes")));
  CHECK(loaded.energy.sram_read_pj_per_byte ==
        Approx(fit.values.at("energy.sram_read_pj_per_byte")).epsilon(1e-8));
  CHECK(loaded.provenance.at("np.mac_lanes").rfind("fitted: by neurokv calibrate", 0) == 0);
  CHECK(loaded.provenance.at("np.mac_lanes").find("akd1500-kws-minimal") != std::string::npos);
  CHECK(loaded.provenance.at("clock_hz") == spec.chip.provenance.at("clock_hz"));  // untouched keys kept
  // Priced with the loaded chip, a row gives the fit's figures.
  const study::RowResidual& minimal = fit.after.at(0);
  const FrameReport again = estimate_frame(
      minimal.row->model, passes::map_cnn(minimal.row->model, loaded, minimal.row->mode), loaded);
  CHECK(again.cycles == Approx(minimal.cycles).epsilon(1e-9));
  CHECK(again.energy.dynamic() == Approx(minimal.dynamic_j).epsilon(1e-6));
  // Round trip: the fitted chip as the base of the same fit writes the same values again.
  study::ChipFitSpec again_spec = spec;
  again_spec.chip_text = text;
  again_spec.chip = loaded;
  const HwConfig twice = parse_hw(study::fitted_chip_yaml(again_spec, fit), "twice.yaml");
  CHECK(twice.np.mac_lanes == loaded.np.mac_lanes);
  CHECK(twice.energy.sram_read_pj_per_byte == loaded.energy.sram_read_pj_per_byte);
  CHECK(twice.provenance.at("np.mac_lanes").find("before: fitted: by") != std::string::npos);
}

TEST_CASE("neurokv calibrate prints each row's error and writes -o", "[chip_fit]") {
  const std::string out =
      (std::filesystem::temp_directory_path() / ("neurokv-chip-fit-" + std::to_string(::getpid()) + ".yaml"))
          .string();
  const test::CliResult r =
      test::run_cli("calibrate '" + kExamples + "calibrate-akd1500.yaml' -o '" + out + "'");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("akd1500-kws-allnps"));
  CHECK_THAT(r.out, Catch::Contains("held out"));
  const test::CliResult est =
      test::run_cli("estimate --model ds-cnn-kws --map-mode minimal --hw '" + out + "'");
  CHECK(est.exit_code == 0);
  CHECK_THAT(est.out, Catch::Contains("akd1500-fitted"));
  std::filesystem::remove(out);
}

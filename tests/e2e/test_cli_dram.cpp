// `neurokv dram` (docs/dram.md): the command line reports what the DRAM command model computes, in text and
// JSON.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "simulator/dram/device.hpp"
#include "simulator/dram/traffic.hpp"
#include "tests/e2e/cli_runner.hpp"

using neurokv::test::run_cli;

TEST_CASE("neurokv dram --json reports the model's run, and the text says the same") {
  const auto r = run_cli(
      "dram --device lpddr4-3200 --pattern stride:4096 --requests 3000 --bytes 64 --writes 0.25 "
      "--seed 7 --json -");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  neurokv::dram::TrafficSpec spec;
  neurokv::dram::parse_pattern("stride:4096", spec);
  spec.requests = 3000;
  spec.bytes = 64;
  spec.write_fraction = 0.25;
  spec.seed = 7;
  const auto expected = neurokv::dram::run_traffic(neurokv::dram::find_device("lpddr4-3200"), {}, spec);
  CHECK(j.at("schema") == "neurokv.dram/1");
  CHECK(j.at("fidelity") == "cycle");
  CHECK(j.at("cycles") == expected.stats.end_cycle);
  CHECK(j.at("row_hits") == expected.stats.row_hits);
  CHECK(j.at("row_conflicts") == expected.stats.row_conflicts);
  CHECK(j.at("bytes_written") == expected.stats.bytes_written);
  CHECK(j.at("bytes_written").get<int64_t>() > 0);
  CHECK(j.at("commands").at("REF") == expected.stats.count(neurokv::dram::Command::kRefresh));
  CHECK(j.at("peak_bytes_per_s").get<double>() == Approx(6.4e9));

  const auto text = run_cli(
      "dram --device lpddr4-3200 --pattern stride:4096 --requests 3000 --bytes 64 "
      "--writes 0.25 --seed 7");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains(fmt::format("simulated   {} cycles", expected.stats.end_cycle)));
  CHECK_THAT(text.out, Catch::Contains("of 6.400 GB/s peak"));
}

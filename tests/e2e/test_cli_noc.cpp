// `neurokv noc`: synthetic traffic on the flit-level mesh, from the command line.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/support/whole_file.hpp"
#include "simulator/noc/synthetic_run.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/e2e/scratch_dir.hpp"

using neurokv::test::run_cli;

TEST_CASE("noc prints latency and accepted throughput, and its JSON holds the library's figures") {
  const auto r =
      run_cli("noc --mesh 4x4 --traffic uniform --rate 0.2 --packet-flits 2 --cycles 3000 --json -");
  REQUIRE(r.exit_code == 0);
  const auto json = nlohmann::json::parse(r.out);
  CHECK(json["schema"] == "neurokv.noc/1");
  REQUIRE(json["points"].size() == 1);
  neurokv::noc::NocParams params;
  params.cols = params.rows = 4;
  neurokv::noc::SyntheticOptions options;
  options.rate = 0.2;
  options.packet_flits = 2;
  options.measure_cycles = 3000;
  const neurokv::noc::SyntheticResult expected = neurokv::noc::run_synthetic(params, options);
  const auto& point = json["points"][0];
  CHECK(point["mean_latency_cycles"].get<double>() == expected.mean_latency);
  CHECK(point["accepted_flits_per_node_cycle"].get<double>() == expected.accepted);
  CHECK(point["flit_hops"].get<int64_t>() == expected.flit_hops);
  const auto table = run_cli("noc --mesh 4x4 --rate 0.2 --packet-flits 2 --cycles 3000");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find(fmt::format("{:.2f}", expected.mean_latency)) != std::string::npos);
}

TEST_CASE("noc --hw takes the chip's NoC, and a flag overrides it") {
  const auto r = run_cli("noc --hw akida2-like --vcs 3 --rate 0.05 --cycles 500 --json -");
  REQUIRE(r.exit_code == 0);
  const auto json = nlohmann::json::parse(r.out);
  CHECK(json["hw"] == "akida2-like");
  CHECK(json["vcs"] == 3);
  CHECK(json["buffer_flits"] == 4);     // noc.buffer_flits
  CHECK(json["pipeline_cycles"] == 2);  // noc.hop_latency_cycles
}

TEST_CASE("noc --rates prints the latency-load curve and writes its gnuplot data and script") {
  const neurokv::test::ScratchDir scratch("noc-curve");
  const std::string dir = scratch.root;
  const auto r = run_cli("noc --mesh 4x4 --rates 0.1:0.5:0.2 --cycles 1000 --plots " + dir);
  REQUIRE(r.exit_code == 0);
  const std::string data = neurokv::read_whole_file(dir + "/latency_load.dat");
  CHECK(std::count(data.begin(), data.end(), '\n') == 4);  // a header and 3 rates
  CHECK(neurokv::read_whole_file(dir + "/latency_load.gp").find("latency_load.dat") != std::string::npos);
}

TEST_CASE("noc --systemc drives the same cycle loop from one SC_THREAD: the same figures, to the byte") {
  const std::string args =
      "noc --hw akida2-like --traffic transpose --rates 0.05:0.15:0.1 --cycles 1000 --json -";
  const auto plain = run_cli(args);
  const auto systemc = run_cli(args + " --systemc");
  REQUIRE(plain.exit_code == 0);
  REQUIRE(systemc.exit_code == 0);
  CHECK(systemc.out == plain.out);
  // SystemC time is every point's cycles at the chip's clock (akida2-like: 1 GHz, so 1 ns a cycle).
  const auto json = nlohmann::json::parse(plain.out);
  int64_t cycles = 0;
  for (const auto& point : json["points"]) cycles += point["cycles"].get<int64_t>();
  CHECK(cycles > 2000);
  CHECK(systemc.err.find(fmt::format("{} ns of SystemC time at 1 GHz", cycles)) != std::string::npos);
}

TEST_CASE("noc --rates runs its points side by side: the figures of one after the other, to the byte") {
  const std::string args = "noc --mesh 4x4 --rates 0.1:0.9:0.2 --packet-flits 2 --cycles 1500 --json -";
  const auto one = run_cli(args + " -j 1");
  const auto three = run_cli(args + " -j 3");
  REQUIRE(one.exit_code == 0);
  REQUIRE(three.exit_code == 0);
  CHECK(three.out == one.out);
  // Each point is the run a single --rate gives (the curve's rate is 0.1 + 3 × 0.2, a rounding off 0.7).
  auto curve_point = nlohmann::json::parse(three.out)["points"].at(3);
  const auto single = run_cli("noc --mesh 4x4 --rate 0.7 --packet-flits 2 --cycles 1500 --json -");
  REQUIRE(single.exit_code == 0);
  auto single_point = nlohmann::json::parse(single.out)["points"].at(0);
  CHECK(curve_point["rate"].get<double>() == Approx(0.7));
  curve_point.erase("rate");
  single_point.erase("rate");
  CHECK(single_point == curve_point);
  CHECK(curve_point["flit_hops"].get<int64_t>() > 10000);
  // --jobs means nothing to one rate or to the one SC_THREAD of --systemc: an error, not ignored.
  const auto lone = run_cli("noc --rate 0.1 -j 2");
  CHECK(lone.exit_code == 2);
  CHECK(lone.err.find("--jobs requires --rates") != std::string::npos);
  const auto systemc = run_cli("noc --rates 0.1:0.2:0.1 --systemc -j 2");
  CHECK(systemc.exit_code == 2);
  CHECK(systemc.err.find("--systemc excludes --jobs") != std::string::npos);
}

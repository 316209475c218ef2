// The same inputs give the same bytes, run after run (docs/reliability.md). Sweeps across -j are held equal
// in tests/unit/test_sweep*.cpp.
#include <catch2/catch.hpp>
#include <string>

#include "tests/e2e/cli_runner.hpp"

namespace {

// Runs `args` (writing to stdout) three times and requires three equal, non-empty outputs.
void require_same_bytes_three_times(const std::string& args) {
  INFO("neurokv " << args);
  const neurokv::test::CliResult first = neurokv::test::run_cli(args);
  REQUIRE(first.exit_code == 0);
  REQUIRE(!first.out.empty());
  for (int run = 0; run < 2; ++run) CHECK(neurokv::test::run_cli(args).out == first.out);
}

}  // namespace

TEST_CASE("compile -o gives the same program three times") {
  require_same_bytes_three_times("compile -m edge-tiny -v Q-GQA-2 -n 128 -o -");
}

TEST_CASE("run --fidelity transaction gives the same JSON and CSV three times") {
  require_same_bytes_three_times(
      "run -m edge-tiny -v QKV,MQA -n 64 -p 8 -t 2 --fidelity transaction --json -");
  require_same_bytes_three_times("run -m edge-tiny -v Q-K=V -n 64 -p 8 -t 2 --fidelity transaction --csv -");
}

TEST_CASE("estimate gives the same JSON three times") {
  require_same_bytes_three_times("estimate -m paper-300m -v all -n 2048 --json -");
}

TEST_CASE("noc gives the same JSON three times") {
  require_same_bytes_three_times(
      "noc --mesh 4x4 --traffic hotspot --rates 0.1:0.3:0.1 --cycles 2000 --json -");
}

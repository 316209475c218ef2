// Runs every case of tests/bad_inputs/manifest.txt through the built CLI, bounded in time and memory, and
// requires what docs/reliability.md promises for bad input: exit code 2, no signal, nothing on stdout, and
// on stderr one line per problem that names the place (the manifest's expected text holds file:line:col or
// the flag); no warning or note comes before the error.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.hpp"

namespace {

struct BadInput {
  std::string name;
  std::string args;
  std::string expected;
};

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(' ');
  const auto end = text.find_last_not_of(' ');
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// "name | args | expected": '#' starts a comment line.
std::vector<BadInput> read_manifest(const std::string& path) {
  std::vector<BadInput> cases;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto first = line.find(" | ");
    const auto second = line.find(" | ", first + 3);
    REQUIRE(second != std::string::npos);
    cases.push_back({trim(line.substr(0, first)), trim(line.substr(first + 3, second - first - 3)),
                     trim(line.substr(second + 3))});
  }
  return cases;
}

}  // namespace

TEST_CASE("every bad input is refused with exit code 2 and error lines naming the place") {
  const std::string dir = std::string(NEUROKV_SOURCE_DIR) + "/tests/bad_inputs";
  const std::vector<BadInput> cases = read_manifest(dir + "/manifest.txt");
  REQUIRE(cases.size() >= 100);
  for (const BadInput& c : cases) {
    INFO(c.name << ": neurokv " << c.args);
    // Paths in the manifest are relative to tests/bad_inputs; 10 s and 2 GB of address space at most.
    const neurokv::test::CliResult r = neurokv::test::run_cli_bounded(c.args, dir, 10, 2048);
    INFO("exit " << r.exit_code << ", stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(c.expected) != std::string::npos);
    // One problem per line (a file with several problems has several lines), each an error line.
    CHECK(!r.err.empty());
    CHECK(r.err.back() == '\n');
    for (std::size_t begin = 0; begin < r.err.size(); begin = r.err.find('\n', begin) + 1) {
      CHECK(r.err.compare(begin, 16, "neurokv: error: ") == 0);
    }
  }
}

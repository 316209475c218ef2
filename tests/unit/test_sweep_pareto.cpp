// The Pareto front.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
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

TEST_CASE("Pareto: a point is kept unless another is no worse everywhere and better somewhere") {
  CHECK(pareto_front({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}}) ==
        std::vector<bool>{true, true, true, false, true});
}

TEST_CASE("the Pareto front in O(n log n) equals the pairwise definition, ties and duplicates included") {
  std::mt19937 random(19);
  for (const int dims : {2, 3}) {
    for (const int n : {1, 7, 200}) {
      std::vector<std::vector<double>> points(static_cast<std::size_t>(n));
      // Few distinct values, so ties and duplicates are common.
      for (auto& p : points)
        for (int k = 0; k < dims; ++k) p.push_back(static_cast<double>(random() % 6));
      std::vector<bool> expected(points.size(), true);
      for (std::size_t i = 0; i < points.size(); ++i) {
        for (std::size_t j = 0; j < points.size(); ++j) {
          bool no_worse = true, better = false;
          for (int k = 0; k < dims; ++k) {
            no_worse = no_worse && points[j][k] <= points[i][k];
            better = better || points[j][k] < points[i][k];
          }
          if (no_worse && better) expected[i] = false;
        }
      }
      INFO(dims << " objectives, " << n << " points");
      CHECK(pareto_front(points) == expected);
    }
  }
}

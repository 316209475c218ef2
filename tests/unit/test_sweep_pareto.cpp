// The Pareto front.
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

TEST_CASE("Pareto: a point is kept unless another is no worse everywhere and better somewhere") {
  CHECK(pareto_front({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}}) ==
        std::vector<bool>{true, true, true, false, true});
}

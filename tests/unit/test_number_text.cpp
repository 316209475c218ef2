// NumberText: the remembered text of a number is always what fmt writes for it.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "simulator/number_text.hpp"

using namespace neurokv;

TEST_CASE("NumberText writes what fmt writes, whether remembered or not") {
  NumberText printed(3);
  const std::vector<double> doubles{0.0,
                                    -0.0,
                                    1.0,
                                    0.1,
                                    1e21,
                                    5e-324,
                                    -2.2250738585072014e-308,  // 24 characters: longer than a slot holds
                                    0.006512302523871999,
                                    std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::quiet_NaN()};
  for (int round = 0; round < 2; ++round) {  // the second round reads what the first remembered
    for (double x : doubles) CHECK(printed.number(0, x) == fmt::to_string(x));
  }
  // The same 64 bits as a double and as an integer are different texts, in the same column or not.
  int64_t one_bits = 0;
  const double one = 1.0;
  std::memcpy(&one_bits, &one, sizeof one);
  CHECK(printed.number(1, 1.0) == "1");
  CHECK(printed.integer(1, one_bits) == "4607182418800017408");
  CHECK(printed.number(1, 1.0) == "1");
  CHECK(printed.integer(2, -7) == "-7");

  // Many values share each column's 64 slots: every text stays right as they evict each other.
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int> pick(0, 499);
  std::vector<double> values(500);
  for (double& v : values) v = std::ldexp(static_cast<double>(random() >> 11), -40);
  for (int i = 0; i < 20000; ++i) {
    const double x = values[static_cast<std::size_t>(pick(random))];
    REQUIRE(printed.number(0, x) == fmt::to_string(x));
    REQUIRE(printed.integer(2, std::llround(x)) == fmt::to_string(std::llround(x)));
  }
}

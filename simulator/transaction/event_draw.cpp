#include "simulator/transaction/event_draw.hpp"

#include <cmath>
#include <random>

namespace neurokv::transaction {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

void draw_densities(const std::vector<double>& planned, ir::Program& program, const HwConfig& hw,
                    const Phase& phase, const std::vector<int64_t>& op_tokens, uint64_t seed,
                    int phase_index) {
  for (ir::Op& op : program.ops) {
    double density = planned.at(static_cast<size_t>(op.id));
    if (!op.tiles.empty() && density > 0 && density < 1) {
      // Offered activations do not depend on any op's density, so the last phase's draw may stand.
      const double offered =
          tile_work(program, op, op.tiles.front(), hw, phase, op_tokens.at(static_cast<size_t>(op.id)))
              .counts.activations_offered;
      const auto n = static_cast<int64_t>(std::llround(offered));
      if (n > 0) {
        std::mt19937_64 rng(splitmix64(splitmix64(splitmix64(seed) ^ static_cast<uint64_t>(phase_index)) ^
                                       static_cast<uint64_t>(op.id)));
        std::binomial_distribution<int64_t> events(n, density);
        density = static_cast<double>(events(rng)) / static_cast<double>(n);
      }
    }
    op.input_density = density;
  }
}

}  // namespace neurokv::transaction

#pragma once
// Events from activation densities. The program gives each op an expected input density; the simulator draws
// the realised number of non-zero input activations once per op and per phase:
//   events ~ Binomial(offered, input_density), offered = activations at the op's first tile's input,
// from a std::mt19937_64 seeded with splitmix64(seed, phase index, op id), so a draw does not depend on the
// order ops run in and the same seed gives the same events. One draw per op, not per tile, and every tile of
// the op gets the op's realised density. For a Linear op that is exact: its input vector is multicast whole
// to all its tiles, which see the same events. Head-split ops (attn_score, softmax, attn_value) and
// element-wise ops (LayerNorm, GELU, Add) give each tile its own slice of the input, whose draws would be
// independent. Of those, only attn_score (query density) and attn_value (probability density) have densities
// strictly between 0 and 1 by default; for them the shared draw keeps each tile's expected events right but
// moves all heads together, so the busiest head is on average a little lighter than the heaviest of
// independent draws, and the phase varies more between seeds. `offered` is the first tile's: with uneven
// tiles the realised fraction is applied to each. The realised density events / offered replaces the op's
// input_density, and the shared cost equations (work.hpp) price the rest.
#include <cstdint>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/work.hpp"

namespace neurokv::transaction {

// Sets program.ops[i].input_density for the phase, drawn from planned[i] (op i's density as compiled);
// op_tokens[i] is op i's step tokens.
void draw_densities(const std::vector<double>& planned, ir::Program& program, const HwConfig& hw,
                    const Phase& phase, const std::vector<int64_t>& op_tokens, uint64_t seed,
                    int phase_index);

}  // namespace neurokv::transaction

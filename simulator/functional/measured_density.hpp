#pragma once
// Densities measured by an execution: at each site the cost model assumes a density for
// (ModelSpec::ActivationDensity, docs/energy-model.md), the fraction of the inputs offered to the site's
// tiles that were non-zero events. Summed over every layer, tile and token of the run.
#include <cstdint>
#include <map>
#include <string>

#include "compiler/config/model_spec.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/functional/executor.hpp"

namespace neurokv::functional {

struct SiteCount {
  int64_t events = 0;   // non-zero inputs received
  int64_t offered = 0;  // inputs received, zero or not
  double density() const {
    return offered == 0 ? 0.0 : static_cast<double>(events) / static_cast<double>(offered);
  }
};

// Keyed by the ActivationDensity field names: attn_in, attn_out, mlp_in, mlp_hidden, lm_head_in, attn_probs,
// query.
std::map<std::string, SiteCount> measured_sites(const ir::Program& program, const Execution& run);
// The counts of several runs (windows of one input) summed per site.
void add_sites(std::map<std::string, SiteCount>& total, const std::map<std::string, SiteCount>& run);

// `assumed` with every site the run measured replaced by its measured density.
ActivationDensity measured_density(const std::map<std::string, SiteCount>& sites, ActivationDensity assumed);

}  // namespace neurokv::functional

#pragma once
// Densities measured by an execution: at each site the cost model assumes a density for
// (ModelSpec::ActivationDensity, docs/energy-model.md) and at the inputs it assumes dense (LayerNorm,
// residual add, GELU, softmax, KV row), the fraction of the inputs offered to the site's tiles that were
// non-zero events: per op and position, and summed per site over every tile and token, for each layer and
// overall.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/config/model_spec.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/report.hpp"

namespace neurokv::functional {

struct SiteCount {
  int64_t events = 0;   // non-zero inputs received
  int64_t offered = 0;  // inputs received, zero or not
  double density() const {
    return offered == 0 ? 0.0 : static_cast<double>(events) / static_cast<double>(offered);
  }
  SiteCount& operator+=(const SiteCount& o) {
    events += o.events;
    offered += o.offered;
    return *this;
  }
};

// [position][op id]: the events all of an op's tiles received at that position, and the inputs offered to
// them as the cost equations count them (simulator/work.cpp).
std::vector<std::vector<SiteCount>> op_counts(const ir::Program& program, const Execution& run);

// Keyed by site: the ActivationDensity field names (attn_in, attn_out, mlp_in, mlp_hidden, lm_head_in,
// attn_probs, query), then layernorm_in, residual_in, gelu_in, scores and kv_row.
struct SiteCounts {
  std::map<std::string, SiteCount> all;
  std::map<int, std::map<std::string, SiteCount>> layers;  // by decoder layer; -1: outside the blocks
};
SiteCounts measured_site_counts(const ir::Program& program, const Execution& run);
std::map<std::string, SiteCount> measured_sites(const ir::Program& program, const Execution& run);
// The counts of several runs (windows of one input) summed per site.
void add_sites(std::map<std::string, SiteCount>& total, const std::map<std::string, SiteCount>& run);
void add_sites(SiteCounts& total, const SiteCounts& run);
// The densities of `counts` as a report gives them: per site, and per site of each layer.
SiteDensities site_densities(const std::map<std::string, SiteCount>& counts);
std::vector<LayerDensities> layer_densities(const SiteCounts& counts);

}  // namespace neurokv::functional

#include "simulator/functional/measured_density.hpp"

#include <algorithm>

#include "compiler/ir/cnn_layer.hpp"

namespace neurokv::functional {
namespace {

// The site an op's input is, or nullptr for ops that receive no activations (a table row, a buffer read)
// and a Linear of no role.
// The first seven are the sites whose density the cost model assumes (ActivationDensity); the others are
// inputs it assumes dense.
const char* site_of(const ir::Op& op) {
  switch (op.kind) {
    case ir::OpKind::Linear:
      switch (op.role) {
        case ir::LinearRole::Q:
        case ir::LinearRole::K:
        case ir::LinearRole::V:
          return "attn_in";
        case ir::LinearRole::O:
          return "attn_out";
        case ir::LinearRole::MlpUp:
        case ir::LinearRole::MlpGate:
          return "mlp_in";
        case ir::LinearRole::MlpDown:
          return "mlp_hidden";
        case ir::LinearRole::LmHead:
          return "lm_head_in";
        case ir::LinearRole::None:
          return nullptr;
      }
      return nullptr;
    case ir::OpKind::AttnScore:
      return "query";
    case ir::OpKind::AttnValue:
      return "attn_probs";
    case ir::OpKind::LayerNorm:
      return "layernorm_in";
    case ir::OpKind::RmsNorm:
      return "rmsnorm_in";
    case ir::OpKind::Glu:
      return "glu_in";
    case ir::OpKind::Rope:
      return "rope_in";
    case ir::OpKind::Add:
      return "residual_in";
    case ir::OpKind::Gelu:
      return "gelu_in";
    case ir::OpKind::Softmax:
      return "scores";
    case ir::OpKind::KvAppend:
      return "kv_row";
    case ir::OpKind::Embed:
    case ir::OpKind::PosEmbed:
    case ir::OpKind::KvRead:
      return nullptr;
    case ir::OpKind::Conv2d:
    case ir::OpKind::Depthwise:
    case ir::OpKind::Pointwise:
    case ir::OpKind::Separable:
    case ir::OpKind::Dense:
      ir::refuse_cnn_layer(op, "measuring event densities");
  }
  return nullptr;
}

// Inputs one tile of `op` is offered at context n, as the cost equations count them (simulator/work.cpp):
// the whole input of a Linear or a LayerNorm; its heads' query elements, scores or probabilities; its
// channels of an element-wise op's input(s) or of a KV row; one token for a table lookup; nothing for a
// buffer read.
int64_t offered(const ir::Program& program, const ir::Op& op, const ir::Tile& t, int64_t n) {
  const int64_t width = t.out_end - t.out_begin;
  switch (op.kind) {
    case ir::OpKind::Linear:
    case ir::OpKind::LayerNorm:
    case ir::OpKind::RmsNorm:
      return op.in_features;
    case ir::OpKind::Rope: {
      // Every tile sees the whole row: the token's (on write) or each attended cached row (on read).
      const bool on_read =
          program.ops.at(static_cast<std::size_t>(op.inputs.at(0))).kind == ir::OpKind::KvRead;
      const int64_t rows = on_read ? (op.window > 0 ? std::min<int64_t>(n, op.window) : n) : 1;
      return op.out_features * rows;
    }
    case ir::OpKind::AttnScore:
      return width * op.head_dim;
    case ir::OpKind::Softmax:
    case ir::OpKind::AttnValue:
      return width * n;
    case ir::OpKind::Add:
    case ir::OpKind::Glu:
      return 2 * width;
    case ir::OpKind::Gelu:
    case ir::OpKind::KvAppend:
      return width;
    case ir::OpKind::Embed:
    case ir::OpKind::PosEmbed:
      return 1;
    case ir::OpKind::KvRead:
      return 0;
    case ir::OpKind::Conv2d:
    case ir::OpKind::Depthwise:
    case ir::OpKind::Pointwise:
    case ir::OpKind::Separable:
    case ir::OpKind::Dense:
      ir::refuse_cnn_layer(op, "measuring event densities");
  }
  return 0;
}

}  // namespace

std::vector<std::vector<SiteCount>> op_counts(const ir::Program& program, const Execution& run) {
  std::vector<std::vector<SiteCount>> counts(run.events.size(), std::vector<SiteCount>(program.ops.size()));
  for (std::size_t pos = 0; pos < run.events.size(); ++pos) {
    for (const ir::Op& op : program.ops) {
      SiteCount& count = counts[pos][static_cast<std::size_t>(op.id)];
      for (const ir::Tile& t : op.tiles) {
        count.events +=
            run.events[pos].tiles[static_cast<std::size_t>(op.id)][static_cast<std::size_t>(t.index)];
        count.offered += offered(program, op, t, static_cast<int64_t>(pos) + 1);
      }
    }
  }
  return counts;
}

SiteCounts measured_site_counts(const ir::Program& program, const Execution& run) {
  SiteCounts sites;
  for (const std::vector<SiteCount>& position : op_counts(program, run)) {
    for (const ir::Op& op : program.ops) {
      const char* site = site_of(op);
      if (site == nullptr) continue;
      const SiteCount& count = position[static_cast<std::size_t>(op.id)];
      sites.all[site] += count;
      sites.layers[op.layer][site] += count;
    }
  }
  return sites;
}

std::map<std::string, SiteCount> measured_sites(const ir::Program& program, const Execution& run) {
  return measured_site_counts(program, run).all;
}

void add_sites(std::map<std::string, SiteCount>& total, const std::map<std::string, SiteCount>& run) {
  for (const auto& [site, count] : run) total[site] += count;
}

void add_sites(SiteCounts& total, const SiteCounts& run) {
  add_sites(total.all, run.all);
  for (const auto& [layer, sites] : run.layers) add_sites(total.layers[layer], sites);
}

SiteDensities site_densities(const std::map<std::string, SiteCount>& counts) {
  SiteDensities densities;
  for (const auto& [site, count] : counts) densities.emplace_back(site, count.density());
  return densities;
}

std::vector<LayerDensities> layer_densities(const SiteCounts& counts) {
  std::vector<LayerDensities> layers;
  for (const auto& [layer, sites] : counts.layers) layers.push_back({layer, site_densities(sites)});
  return layers;
}

}  // namespace neurokv::functional

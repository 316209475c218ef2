#include "simulator/functional/measured_density.hpp"

namespace neurokv::functional {
namespace {

// The site an op's input is, or nullptr for ops the cost model charges per element, not per event.
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
    case ir::OpKind::Embed:
    case ir::OpKind::PosEmbed:
    case ir::OpKind::LayerNorm:
    case ir::OpKind::KvAppend:
    case ir::OpKind::KvRead:
    case ir::OpKind::Softmax:
    case ir::OpKind::Gelu:
    case ir::OpKind::Add:
    case ir::OpKind::RmsNorm:
    case ir::OpKind::Rope:
    case ir::OpKind::Glu:
      return nullptr;
  }
  return nullptr;
}

// Inputs one tile of `op` is offered at context n: the whole input of a Linear; its heads' query elements or
// probabilities for the attention products.
int64_t offered(const ir::Op& op, const ir::Tile& t, int64_t n) {
  if (op.kind == ir::OpKind::Linear) return op.in_features;
  const int64_t heads = t.out_end - t.out_begin;
  return op.kind == ir::OpKind::AttnScore ? heads * op.head_dim : heads * n;
}

}  // namespace

std::map<std::string, SiteCount> measured_sites(const ir::Program& program, const Execution& run) {
  std::map<std::string, SiteCount> sites;
  for (std::size_t pos = 0; pos < run.events.size(); ++pos) {
    for (const ir::Op& op : program.ops) {
      const char* site = site_of(op);
      if (site == nullptr) continue;
      SiteCount& count = sites[site];
      for (const ir::Tile& t : op.tiles) {
        count.events +=
            run.events[pos].tiles[static_cast<std::size_t>(op.id)][static_cast<std::size_t>(t.index)];
        count.offered += offered(op, t, static_cast<int64_t>(pos) + 1);
      }
    }
  }
  return sites;
}

ActivationDensity measured_density(const std::map<std::string, SiteCount>& sites, ActivationDensity d) {
  const std::map<std::string, double*> fields = {{"attn_in", &d.attn_in},
                                                 {"attn_out", &d.attn_out},
                                                 {"mlp_in", &d.mlp_in},
                                                 {"mlp_hidden", &d.mlp_hidden},
                                                 {"lm_head_in", &d.lm_head_in},
                                                 {"attn_probs", &d.attn_probs},
                                                 {"query", &d.query}};
  for (const auto& [name, count] : sites) {
    if (count.offered > 0) *fields.at(name) = count.density();
  }
  return d;
}

void add_sites(std::map<std::string, SiteCount>& total, const std::map<std::string, SiteCount>& run) {
  for (const auto& [site, count] : run) {
    total[site].events += count.events;
    total[site].offered += count.offered;
  }
}

}  // namespace neurokv::functional

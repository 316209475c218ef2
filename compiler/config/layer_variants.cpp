#include "compiler/config/layer_variants.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/support/error.hpp"

namespace neurokv {

LayerVariants::LayerVariants(const AttentionVariant& every_layer) : per_layer_{every_layer} {}

LayerVariants::LayerVariants(std::vector<AttentionVariant> per_layer) : per_layer_(std::move(per_layer)) {
  if (per_layer_.empty()) throw InputError("no attention variant given, expected one per layer");
  const AttentionVariant& first = per_layer_.front();
  if (std::all_of(per_layer_.begin(), per_layer_.end(),
                  [&](const AttentionVariant& v) { return v == first; })) {
    per_layer_.resize(1, first);
  }
}

LayerVariants LayerVariants::parse(const std::string& text, int heads) {
  std::vector<AttentionVariant> per_layer;
  std::size_t begin = 0;
  for (std::size_t end = text.find('/');; end = text.find('/', begin)) {
    per_layer.push_back(AttentionVariant::parse(text.substr(begin, end - begin), heads));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return LayerVariants(std::move(per_layer));
}

std::vector<AttentionVariant> LayerVariants::for_layers(int layers) const {
  if (!mixed()) return std::vector<AttentionVariant>(static_cast<std::size_t>(layers), per_layer_.front());
  if (per_layer_.size() != static_cast<std::size_t>(layers)) {
    throw InputError(fmt::format("variants {} name {} layers, expected one per layer of a {}-layer model",
                                 name(), per_layer_.size(), layers));
  }
  return per_layer_;
}

std::string LayerVariants::name() const {
  std::string out;
  for (const AttentionVariant& v : per_layer_) out += (out.empty() ? "" : "/") + v.name();
  return out;
}

int LayerVariants::kv_heads() const {
  const int first = per_layer_.front().kv_heads();
  const bool same = std::all_of(per_layer_.begin(), per_layer_.end(),
                                [first](const AttentionVariant& v) { return v.kv_heads() == first; });
  return same ? first : 0;
}

std::optional<LayerVariants> own_variants(const ModelSpec& model) {
  if (model.local_variant.empty() && model.global_variant.empty()) return std::nullopt;
  const auto variant = [&](const std::string& name) {
    return AttentionVariant::parse(name.empty() ? "QKV" : name, model.heads, model.kv_heads);
  };
  std::vector<AttentionVariant> layers;
  for (int l = 0; l < model.layers; ++l)
    layers.push_back(variant(model.is_global(l) ? model.global_variant : model.local_variant));
  return LayerVariants(std::move(layers));
}

}  // namespace neurokv

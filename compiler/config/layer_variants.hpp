#pragma once
// The attention variant of each decoder layer: what apply_variant rewrites the QKV baseline into. A variant
// asked for by name (`--variant Q-K=V`) applies to every layer; an imported model may mix them (layer 0 QKV,
// layer 1 Q-K=V). Uniform layers are one variant, however they were given, so the two forms compare equal.
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/attention_variant.hpp"
#include "compiler/config/model_spec.hpp"

namespace neurokv {

class LayerVariants {
 public:
  LayerVariants(const AttentionVariant& every_layer);  // NOLINT: one variant is every layer's
  // One per layer, in layer order (not empty).
  explicit LayerVariants(std::vector<AttentionVariant> per_layer);
  // Reads name(): one variant, or each layer's joined by '/'. Throws InputError naming a part that is not a
  // variant of a model with `heads` heads.
  static LayerVariants parse(const std::string& text, int heads);

  // The variant of each of a model's `layers` layers. Throws InputError when a per-layer list has another
  // length than the model.
  std::vector<AttentionVariant> for_layers(int layers) const;
  bool mixed() const { return per_layer_.size() > 1; }
  // Uniform: the variant's name ("GQA-2"). Mixed: each layer's name in layer order, joined by '/'
  // ("QKV/Q-K=V"): a bare name in the .nkir text form, so version-1 readers keep reading it.
  std::string name() const;
  // The layers' KV heads (g); 0 when they differ (each attention op and buffer still carries its own).
  int kv_heads() const;

  bool operator==(const LayerVariants& other) const { return per_layer_ == other.per_layer_; }

 private:
  std::vector<AttentionVariant> per_layer_;  // one entry when every layer has the same variant
};

// A model YAML's own variants per layer kind (`local_variant`, `global_variant`; Gemma 4: K=V on its
// global layers), one per layer; nullopt when it names none (every layer is the model's QKV/GQA form).
std::optional<LayerVariants> own_variants(const ModelSpec& model);

}  // namespace neurokv

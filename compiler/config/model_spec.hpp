#pragma once
// A transformer's architecture, as a model YAML describes it. The attention variant is not part of it:
// one model file serves every variant.
#include <string>

namespace neurokv {

// Fraction of non-zero activations (events) at the input of each kind of op. An event-driven NP works only
// on non-zero inputs, so these set the synaptic operations actually performed. Defaults are assumptions,
// documented in docs/energy-model.md.
struct ActivationDensity {
  double attn_in = 0.5;      // LayerNorm output feeding Q/K/V projections
  double attn_out = 0.5;     // attention context feeding the output projection
  double mlp_in = 0.5;       // LayerNorm output feeding the MLP up projection
  double mlp_hidden = 0.3;   // GELU output feeding the MLP down projection
  double lm_head_in = 0.5;   // final LayerNorm output feeding the LM head
  double attn_probs = 0.25;  // quantised softmax probabilities feeding P·V
  double query = 0.5;        // query elements feeding QKᵀ
};

// GELU as x·Φ(x) (erf) or its tanh approximation (GPT-2's); executing a model needs to know which.
enum class GeluForm { Erf, Tanh };

struct ModelSpec {
  std::string name;
  std::string file;  // where it was loaded from, for messages
  int layers = 0;
  int d_model = 0;
  int heads = 0;
  int head_dim = 0;
  int mlp_hidden = 0;
  int vocab = 0;
  int max_positions = 0;
  int kv_groups = 0;  // the KV-head count the paper uses for GQA-g and Q-GQA-g with this model; 0: none given
  bool bias = true;
  bool tied_lm_head = true;
  ActivationDensity density;
  // Numerics the program does not carry, for executing the model (simulator/functional/): an imported model's
  // own; PyTorch's defaults for a YAML model.
  GeluForm gelu = GeluForm::Erf;
  double layernorm_epsilon = 1e-5;
};

// Loads and validates a model YAML; `name_or_path` is a path or a name from the models/ directory.
ModelSpec load_model(const std::string& name_or_path, const std::string& models_dir);
ModelSpec parse_model(const std::string& yaml_text, const std::string& file);

}  // namespace neurokv

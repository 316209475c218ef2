#pragma once
// A transformer's architecture, as a model YAML describes it. The attention variant is not part of it:
// one model file serves every variant.
#include <string>
#include <vector>

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

// The normalisation before each sub-block: LayerNorm (mean and variance) or RMSNorm (root mean square only).
enum class NormKind { LayerNorm, RmsNorm };
// The MLP: GELU(x·W_up)·W_down, or a gated one, act(x·W_gate) ⊙ (x·W_up) · W_down with act SiLU (SwiGLU) or
// GELU (GeGLU).
enum class MlpKind { Gelu, SwiGlu, GeGlu };
// Where positions enter: a learned table added to the embeddings, or rotary embeddings on queries and keys.
enum class PositionKind { Learned, Rope };
// K=V under RoPE: the values are the keys, so either the cache holds un-rotated keys and the scores rotate
// every cached key as they read it (Gemma 4's `attention_k_eq_v`), or the cache holds rotated keys and the
// values are rotated keys too (rotate on write: one rotation per token, a different model).
enum class KeqVRope { OnRead, OnWrite };

struct RopeSpec {
  double theta = 10000;    // base of the rotation frequencies
  double local_theta = 0;  // sliding-window layers' base (Gemma 3: 10,000 beside 1,000,000); 0: theta
  double fraction = 1.0;   // share of each head's dimensions rotated (partial RoPE)
  // Rotated dimensions of a head: an even number, fraction × head_dim rounded down to even.
  int rotary_dims(int head_dim) const { return static_cast<int>(fraction * head_dim) / 2 * 2; }
};

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
  int kv_heads = 0;   // the model's own key/value heads (GQA when fewer than heads); = heads unless given
  bool bias = true;   // every Linear and norm has a bias
  bool qkv_bias = true;   // the Q, K and V projections have a bias (Qwen2: yes, with `bias: false`)
  bool norm_bias = true;  // the norms have a bias beside their gain
  bool tied_lm_head = true;
  NormKind norm = NormKind::LayerNorm;
  MlpKind mlp = MlpKind::Gelu;
  PositionKind positions = PositionKind::Learned;
  RopeSpec rope;
  bool qk_norm = false;     // an RMSNorm over each query and key head (its gain shared by the heads)
  bool post_norms = false;  // a norm after the attention and after the MLP too, before each residual add
  // Sliding-window attention: local layers attend to their last `sliding_window` positions and cache only
  // those. 0: every layer is global.
  int sliding_window = 0;
  std::vector<bool> global_layers;  // per layer: global (full context); all true without a window
  std::vector<int> kv_shared_from;  // per layer: the layer whose KV cache it reads, or -1 (its own)
  // The model's own attention variant per layer kind (Gemma 4: global layers K=V), as a --variant names it;
  // "" for the model's QKV/GQA form. `--variant` replaces them on every layer.
  std::string local_variant, global_variant;
  KeqVRope k_eq_v_rope = KeqVRope::OnRead;

  bool is_global(int layer) const { return global_layers.empty() || global_layers.at(layer); }
  // The positions a layer attends to and caches at most (0: unbounded).
  int window(int layer) const { return is_global(layer) ? 0 : sliding_window; }
  int shared_source(int layer) const { return kv_shared_from.empty() ? -1 : kv_shared_from.at(layer); }
  ActivationDensity density;
  // Numerics the program does not carry, for executing the model (simulator/functional/): an imported model's
  // own; PyTorch's defaults for a YAML model.
  GeluForm gelu = GeluForm::Erf;
  double layernorm_epsilon = 1e-5;  // the norms' ε (LayerNorm or RMSNorm)
};

// The YAML words of the kinds ("rmsnorm", "swiglu", "rope"), for reports.
std::string to_string(NormKind kind);
std::string to_string(MlpKind kind);
std::string to_string(PositionKind kind);

// Loads and validates a model YAML; `name_or_path` is a path or a name from the models/ directory.
ModelSpec load_model(const std::string& name_or_path, const std::string& models_dir);
ModelSpec parse_model(const std::string& yaml_text, const std::string& file);

}  // namespace neurokv

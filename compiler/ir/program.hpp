#pragma once
// The Event IR: the compiler's output and the simulator's input. A Program is one transformer compiled for
// one attention variant on one chip: its ops with their tiles placed on NPs, the KV-cache buffers, the event
// routes between tiles, and the prefill and decode schedules. Its text form (.nkir) is specified in
// docs/ir.md; the printer and parser round-trip it byte for byte, and the verifier checks it against the
// chip.
//
// Costs are per token processed. For one decode step at context n (n cached positions, the new one included):
//   Linear      events = round(in_features × input_density); each tile does events × (out_end − out_begin)
//   MACs
//               and reads that many weights from its weight SRAM (or, streamed, from what its DMA pass
//               loaded).
//   KvRead      reads n × buffer.bytes_per_token from the buffer (NP SRAM or DRAM) and multicasts it to the
//               attention tiles that consume it.
//   AttnScore   heads × head_dim × n MACs; its events are the non-zero query elements (input_density).
//   Softmax     heads × n elements on the chip's softmax unit (shiftmax).
//   AttnValue   heads × head_dim × n MACs; its events are the non-zero probabilities (input_density).
//   KvAppend    writes one row of buffer.bytes_per_token.
//   LayerNorm, Gelu, Add: out_features elements each; Embed, PosEmbed: read one row of out_features weights.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/op_kind.hpp"
#include "compiler/ir/tile_list.hpp"

namespace neurokv::ir {

constexpr const char* kFormatName = "neurokv-ir";
// 2: `bias` on layernorm ops (version 1 always meant gain and bias). 3: the chip line records where the chip
// came from (`hash`, `source`); version 2 files are still read, without that record.
// 4: the op kinds rmsnorm, rope and glu, the role mlp_gate and the op fields window, rope_theta, rotary_dims,
// act (a version 3 file uses none of them and reads the same).
// 5: CNN programs: the op kinds conv2d, depthwise, pointwise, separable, dense with their shape, pooling and
// ReLU fields, a tile's input rows (`rows`) and the HRC as a tile's place (`np=hrc`), the model line's
// `network`, `map_mode` and `spread` (a version 4 file is a transformer program and reads the same).
constexpr int kFormatVersion = 5;
constexpr int kOldestReadVersion = 2;

// The longest context a program may be planned for (2^24 tokens). `--context`, a sweep's `contexts` and the
// text form's `context` and `capacity_tokens` share this bound, so whatever the compiler writes parses back.
constexpr int64_t kMaxContext = int64_t{1} << 24;

// An NP's place on the chip: node column x, node row y, and the NP's index inside that node.
struct NpCoord {
  int x = 0;
  int y = 0;
  int np = 0;
  bool operator==(const NpCoord& o) const { return x == o.x && y == o.y && np == o.np; }
  bool operator<(const NpCoord& o) const { return x != o.x ? x < o.x : (y != o.y ? y < o.y : np < o.np); }
};

enum class LinearRole { None, Q, K, V, O, MlpUp, MlpDown, LmHead, MlpGate };
// The gate's activation of a `glu` op: SiLU (SwiGLU) or GELU, tanh form (GeGLU).
enum class GateActivation { Silu, Gelu };
enum class Storage { Sram, Dram };
enum class BufferRole { Keys, Values };
// What a program computes: a transformer (per token) or a CNN (per frame).
enum class Network { Transformer, Cnn };
// A CNN layer's pooling of what it computed, and the ReLU on its output (bounded: clipped at relu_bound).
enum class Pooling { None, Max, Avg, GlobalAvg };
enum class Relu { No, Yes, Bounded };

// One piece of an op on one NP. For Linear, [out_begin, out_end) are output channels; for AttnScore, Softmax
// and AttnValue they are query heads; for KvRead, KV heads; for other ops (KvAppend included) channels of the
// whole width. Streamed tiles (op.weights == Dram) run in DMA passes: the pass's
// weights are loaded into the NP's weight SRAM, then the pass computes; resident tiles have pass 0.
//
// A CNN layer's tile (version 5) is one (input tile, filter group) pair of the mapping: its input rows
// [row_begin, row_end) and output channels [out_begin, out_end). `pass` is the mapping's pass (Akida's HwPr:
// layers that do not fit the chip at once run in passes, weights reloaded, numbered from 0). The dense input
// layer's one tile runs on the HRC, no NP (`on_hrc`).
//
// A program has thousands of tiles, copied and walked by every pass after partition: the row bounds are
// 32-bit (a CNN input's side is at most kCnnMaxSide) and sit beside `pass`, so a tile is 56 bytes, not 72.
struct Tile {
  int index = 0;
  NpCoord np;
  int64_t out_begin = 0;
  int64_t out_end = 0;
  int64_t weight_bytes = 0;
  int pass = 0;
  int32_t row_begin = 0;  // CNN layers: input rows
  int32_t row_end = 0;
  bool on_hrc = false;  // CNN input layer: on the HRC, `np` unused
};
static_assert(sizeof(Tile) <= 56, "a tile's fields are packed: keep new ones beside the 32-bit ones");

struct Op {
  int id = 0;        // dense 0..n-1, in decode schedule order
  std::string name;  // e.g. "l3.k_proj"
  OpKind kind = OpKind::Linear;
  int layer = -1;  // -1 outside the decoder blocks
  LinearRole role = LinearRole::None;
  std::vector<int> inputs;     // ids of the ops whose outputs this op consumes
  int64_t in_features = 0;     // Linear: input width; other ops: width of their first input
  int64_t out_features = 0;    // output width (attention ops: heads × head_dim, Softmax: heads)
  bool bias = false;           // Linear, LayerNorm: has a bias vector (a LayerNorm always has its gain)
  int heads = 0;               // attention ops: query heads
  int kv_heads = 0;            // attention ops: key/value heads (g)
  int head_dim = 0;            // attention ops
  int buffer = -1;             // KvAppend / KvRead: index into Program::buffers
  double input_density = 1.0;  // fraction of this op's input activations that are non-zero events
  int weight_bits = 0;         // ops with weights
  int act_bits = 0;            // bits of this op's output activations
  Storage weights = Storage::Sram;
  int tied_to = -1;  // LM head: the Embed op whose table it shares (counted once)
  // Version 4. Attention ops and kv_read of a sliding-window layer, and a rope on read: the positions it
  // attends to at most (0: all).
  int window = 0;
  double rope_theta = 0;  // rope: base of the rotation frequencies
  int rotary_dims = 0;    // rope: dimensions rotated in each head (the first rotary_dims of head_dim)
  GateActivation activation = GateActivation::Silu;  // glu
  // Version 5, CNN layers. Input in_height × in_width × in_features (channels), output out_height × out_width
  // × out_features after pooling; kernel k, stride s and `pad` zeros on each side give the convolution's
  // output side floor((in + 2·pad − k) / s) + 1, then pooling. A dense layer reads its whole input.
  int64_t in_height = 0, in_width = 0, out_height = 0, out_width = 0;
  int kernel = 0, stride = 0, pad = 0;
  Pooling pool = Pooling::None;
  int pool_size = 0, pool_stride = 0;  // max and avg pooling
  Relu relu = Relu::No;
  double relu_bound = 0;   // Relu::Bounded: the largest output
  bool batchnorm = false;  // a BatchNorm followed it in training, folded into its weights and bias
  int in_bits = 0;         // width of its input activations
  std::vector<Tile> tiles;
};

// The length of an Affine op's gain: out_features, or head_dim for a per-head norm (QK-norm).
int64_t affine_channels(const Op& op);

struct Buffer {
  std::string name;  // e.g. "l3.k"
  int layer = 0;
  BufferRole role = BufferRole::Keys;
  int kv_heads = 0;
  int head_dim = 0;
  int bits = 0;
  int64_t bytes_per_token = 0;  // kv_heads × head_dim × bits / 8
  int64_t capacity_tokens = 0;  // the context it was planned for
  Storage location = Storage::Dram;
  std::vector<NpCoord> nps;  // SRAM: the NPs whose input SRAM holds it, capacity split evenly
};

// An event multicast from one producer tile to consumer tiles, along the XY tree; `hops` counts its links.
struct Route {
  int src_op = 0;
  int src_tile = 0;
  int dst_op = 0;
  TileList dst_tiles;  // tile indices of dst_op, ascending; shared with the routes that list the same tiles
  int hops = 0;
};

// One scheduled op. Ops of the same wave have no dependency between them and may run together; an op starts
// when every op in `waits` has finished. `last_token_only`: in prefill, the LM head runs on the last prompt
// token only (the only logits generation needs).
struct Step {
  int op = 0;
  int wave = 0;
  std::vector<int> waits;
  bool last_token_only = false;
};

struct ModelInfo {
  std::string name;
  int layers = 0, d_model = 0, heads = 0, head_dim = 0, mlp_hidden = 0, vocab = 0, max_positions = 0;
  // Version 5. A CNN's mapping mode (MetaTF's `minimal` or `allnps`) and, in allnps, the factor every CNP
  // layer's filter groups were multiplied by to fill the free NPs (compiler/passes/map_cnn.hpp).
  Network network = Network::Transformer;
  std::string map_mode;
  int spread = 0;
};

// The chip the program was compiled for, as far as the verifier needs it.
struct ChipInfo {
  std::string name;
  int mesh_cols = 0, mesh_rows = 0, nps_per_node = 0;
  int64_t weight_sram_bytes = 0, input_sram_bytes = 0;
  bool has_dram = false;
  // Version 3: the chip file the program was compiled for, so `simulate` and `ir verify` find it again.
  std::string hash;    // content hash of that file (hw_config.hpp: chip_file_hash); "" when not known
  std::string source;  // its path as given to `compile --hw`; "" for a shipped chip (named) or when not known
};

struct Precision {
  int weight_bits = 0, act_bits = 0, kv_bits = 0;
};

struct Program {
  ModelInfo model;
  std::string variant;  // the paper's notation, e.g. "Q-K=V"
  int kv_heads = 0;
  ChipInfo chip;
  Precision precision;
  int64_t context = 0;    // the context the KV cache was planned for
  bool fused_kv = false;  // K=V variants: one KvRead feeds both QKᵀ and P·V
  std::vector<Buffer> buffers;
  std::vector<Op> ops;  // ops[i].id == i
  std::vector<Route> routes;
  std::vector<Step> prefill;
  std::vector<Step> decode;
};

// Names used by the text form and reports (an OpKind's: op_kind.hpp).
const char* to_string(LinearRole role);
const char* to_string(Storage storage);
const char* to_string(BufferRole role);
const char* to_string(GateActivation activation);
const char* to_string(Network network);
const char* to_string(Pooling pooling);
const char* to_string(Relu relu);

// Weight bits one output channel of `op` holds: in_features × weight_bits + bias bits for Linear, PosEmbed
// and an untied Embed (a table is a Linear from a one-hot row); weight_bits for a LayerNorm's gain, twice
// that with its bias; a CNN layer's filter and bias (cnn_spec's filter_weight_bits); 0 for a tied Embed (its
// table is the LM head's) and weightless ops. Saturates instead of overflowing.
int64_t channel_weight_bits(const Op& op, bool tied_embed);
// Bytes a tile of `channels` output channels holds: ⌈channels × channel_weight_bits / 8⌉, as partition sizes
// tiles and the verifier checks them (a separable layer's tile adds the depthwise kernels every tile holds).
// Saturates instead of overflowing.
int64_t tile_weight_bytes(const Op& op, int64_t channels, bool tied_embed);

// Parameters the program's ops hold (the paper's accounting: weights, biases, LayerNorm gains and biases,
// embeddings; a tied LM head counted once). A LayerNorm without bias counts its gain only.
int64_t parameter_count(const Program& program);
// Bytes of all weights at their stored precision.
int64_t weight_bytes(const Program& program);
// Number of Linear ops with this role.
int count_linear(const Program& program, LinearRole role);

}  // namespace neurokv::ir

#include "compiler/ir/verifier.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "compiler/config/layer_variants.hpp"
#include "compiler/ir/cnn_layer.hpp"
#include "compiler/ir/mesh.hpp"
#include "compiler/ir/op_kind.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::ir {
namespace {

constexpr std::size_t kListedProblems = 10;  // check_program's message names this many, then counts the rest
constexpr std::size_t kListedOps = 5;        // ops named in one problem (e.g. those missing from a schedule)

std::string np_text(const NpCoord& np) { return fmt::format("({},{},{})", np.x, np.y, np.np); }

std::string op_text(const Op& op) { return fmt::format("op %{} {}", op.id, op.name); }

int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0); }

// Byte totals saturate instead of overflowing: a hand-built program may carry absurd sizes.
int64_t add_bytes(int64_t a, int64_t b) {
  int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<int64_t>::max() : sum;
}

int64_t multiply_bytes(int64_t a, int64_t b) {
  int64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<int64_t>::max() : product;
}

class Verifier {
 public:
  explicit Verifier(const Program& program) : p_(program) {}

  std::vector<std::string> run() {
    check_chip();
    check_header();
    check_ops();
    check_capacity();
    check_buffers();
    check_routes();
    check_schedule("prefill", p_.prefill);
    check_schedule("decode", p_.decode);
    return std::move(problems_);
  }

 private:
  template <class... Args>
  void problem(fmt::format_string<Args...> format, Args&&... args) {
    problems_.push_back(fmt::format(format, std::forward<Args>(args)...));
  }

  bool op_exists(int id) const { return id >= 0 && id < static_cast<int>(p_.ops.size()); }
  bool tile_exists(int op, int tile) const {
    return op_exists(op) && tile >= 0 &&
           tile < static_cast<int>(p_.ops[static_cast<std::size_t>(op)].tiles.size());
  }
  const Op& op_at(int id) const { return p_.ops[static_cast<std::size_t>(id)]; }

  bool in_mesh(const NpCoord& np) const {
    return np.x >= 0 && np.x < p_.chip.mesh_cols && np.y >= 0 && np.y < p_.chip.mesh_rows && np.np >= 0 &&
           np.np < p_.chip.nps_per_node;
  }

  void check_np(const NpCoord& np, const std::string& owner) {
    if (!in_mesh(np)) {
      problem("{} is on NP {}, outside the {}x{} mesh of {} NPs per node", owner, np_text(np),
              p_.chip.mesh_cols, p_.chip.mesh_rows, p_.chip.nps_per_node);
    }
  }

  void check_chip() {
    const ChipInfo& chip = p_.chip;
    if (chip.mesh_cols <= 0 || chip.mesh_rows <= 0 || chip.nps_per_node <= 0) {
      problem("chip {} has a {}x{} mesh with {} NPs per node, expected positive sizes", chip.name,
              chip.mesh_cols, chip.mesh_rows, chip.nps_per_node);
    }
  }

  // The header must describe a model the compiler could have built: the simulator sizes work from it. A
  // hand-written program may omit the model's heads (0): then there is nothing to hold the variant against.
  void check_header() {
    const ModelInfo& m = p_.model;
    if (m.heads > 0) check_model_heads(m);
    const Precision& bits = p_.precision;
    for (const auto& [field, value] :
         {std::pair{"weight_bits", bits.weight_bits}, std::pair{"act_bits", bits.act_bits},
          std::pair{"kv_bits", bits.kv_bits}}) {
      if (is_cnn() && std::string(field) == "kv_bits") continue;  // a CNN keeps no KV cache
      if (value < 1 || value > 32) problem("precision {}={}, expected 1 to 32 bits", field, value);
    }
    if (is_cnn() && m.map_mode != "minimal" && m.map_mode != "allnps") {
      problem("model {} is a cnn with map_mode '{}', expected minimal or allnps", m.name, m.map_mode);
    }
  }

  bool is_cnn() const { return p_.model.network == Network::Cnn; }

  void check_model_heads(const ModelInfo& m) {
    // head_dim is the model's own (Gemma: 4 × 256 heads beside d_model 640); the ops' widths are checked
    // against it below.
    try {
      const LayerVariants variants = LayerVariants::parse(p_.variant, m.heads);
      variants.for_layers(m.layers);  // a per-layer notation names every layer
      const int kv_heads = variants.kv_heads();
      if (kv_heads != p_.kv_heads) {
        problem("variant {} has kv_heads={}, expected {} for {} heads", p_.variant, p_.kv_heads, kv_heads,
                m.heads);
      }
    } catch (const InputError& e) {
      problem("variant {}: {}", p_.variant, e.what());
    }
  }

  void check_ops() {
    for (std::size_t i = 0; i < p_.ops.size(); ++i) {
      const Op& op = p_.ops[i];
      if (op.id != static_cast<int>(i))
        problem("{} is at position {}, expected ids 0..n-1 in order", op_text(op), i);
      // A Linear's MACs and weights scale with in_features: without it the op would cost nothing.
      if (op.kind == OpKind::Linear && (op.in_features < 1 || op.out_features < 1)) {
        problem("{} has in_features={} out_features={}, expected both positive", op_text(op), op.in_features,
                op.out_features);
      }
      for (int input : op.inputs) check_earlier(op, input, "takes input");
      if (op.tied_to != -1) check_earlier(op, op.tied_to, "is tied to");
      check_buffer_reference(op);
      if (!(op.input_density >= 0 && op.input_density <= 1)) {
        problem("{} has input_density {}, expected a fraction from 0 to 1", op_text(op), op.input_density);
      }
      if (op.weights == Storage::Dram && !p_.chip.has_dram) {
        problem("{} streams its weights from DRAM, but chip {} has no DRAM", op_text(op), p_.chip.name);
      }
      if (is_cnn_layer(op.kind) != is_cnn()) {
        problem("{} is a {} op in a {} program, expected {} ops only", op_text(op), to_string(op.kind),
                to_string(p_.model.network), is_cnn() ? "CNN layer" : "transformer");
      }
      if (is_cnn_layer(op.kind)) {
        check_cnn_op(op);
        check_cnn_tiles(op);
      } else {
        check_tiles(op);
      }
    }
  }

  // A CNN layer's shapes follow from its input, kernel, stride, pad and pooling, and its input is the op
  // before it's output (docs/ir.md, "CNN layers").
  void check_cnn_op(const Op& op) {
    if (!cnn_sizes_bounded(op)) {
      problem(
          "{} has sides {}x{}, {} to {} channels, kernel {}, {}-bit weights, expected sides up to {}, "
          "channels up to {}, kernel up to {}, weights up to 8 bits",
          op_text(op), op.in_height, op.in_width, op.in_features, op.out_features, op.kernel, op.weight_bits,
          kCnnMaxSide, kCnnMaxChannels, kCnnMaxKernel);
      return;
    }
    if (op.in_height < 1 || op.in_width < 1 || op.in_features < 1 || op.out_features < 1) {
      problem("{} reads {}x{}x{} and writes {} channels, expected positive sizes", op_text(op), op.in_height,
              op.in_width, op.in_features, op.out_features);
      return;
    }
    if (op.in_bits < 1 || op.act_bits < 1 || op.weight_bits < 1) {
      problem("{} has in_bits {}, act_bits {}, weight_bits {}, expected each at least 1", op_text(op),
              op.in_bits, op.act_bits, op.weight_bits);
    }
    if ((op.relu == Relu::Bounded) != (op.relu_bound > 0)) {
      problem("{} has relu={} and relu_bound {}, expected a positive bound exactly when relu=bounded",
              op_text(op), to_string(op.relu), op.relu_bound);
    }
    check_cnn_shape(op);
    check_cnn_input(op);
  }

  void check_cnn_shape(const Op& op) {
    if (op.kind == OpKind::Dense) {
      if (op.kernel != 0 || op.stride != 0 || op.pad != 0 || op.pool != Pooling::None || op.out_height != 1 ||
          op.out_width != 1) {
        problem(
            "{} is dense with kernel {}, stride {}, pad {}, pool {}, output {}x{}, expected none of "
            "kernel, stride, pad and pool, and a 1x1 output",
            op_text(op), op.kernel, op.stride, op.pad, to_string(op.pool), op.out_height, op.out_width);
      }
      return;
    }
    if (op.kernel < 1 || op.stride < 1) {
      problem("{} has kernel {} and stride {}, expected both at least 1", op_text(op), op.kernel, op.stride);
      return;
    }
    if (op.kind == OpKind::Pointwise && op.kernel != 1)
      problem("{} is pointwise with kernel {}, expected kernel 1", op_text(op), op.kernel);
    if (op.kind == OpKind::Depthwise && op.out_features != op.in_features) {
      problem("{} is depthwise with {} output channels, expected one per input channel: {}", op_text(op),
              op.out_features, op.in_features);
    }
    const bool windowed = op.pool == Pooling::Max || op.pool == Pooling::Avg;
    if (windowed != (op.pool_size > 0 && op.pool_stride > 0)) {
      problem(
          "{} has pool {} with pool_size {} and pool_stride {}, expected both positive exactly for max "
          "and avg pooling",
          op_text(op), to_string(op.pool), op.pool_size, op.pool_stride);
      return;
    }
    for (const auto& [side, in, out] : {std::tuple{"height", op.in_height, op.out_height},
                                        std::tuple{"width", op.in_width, op.out_width}}) {
      const int64_t conv = conv_output_side(in, op.kernel, op.stride, op.pad);
      const int64_t expected = conv < 1 ? 0 : pooled_side(conv, op.pool, op.pool_size, op.pool_stride);
      if (expected < 1 || out != expected) {
        problem("{} has out_{} {}, expected floor(({} + 2*{} - {}) / {}) + 1 = {}{}", op_text(op), side, out,
                in, op.pad, op.kernel, op.stride, conv,
                op.pool == Pooling::None ? std::string()
                                         : fmt::format(", then pool {}: {}", to_string(op.pool), expected));
      }
    }
  }

  // The op reads what the one before it writes: its shape and its activation width.
  void check_cnn_input(const Op& op) {
    if (op.inputs.size() > 1) {
      problem("{} takes {} inputs, expected one (a CNN layer reads the layer before it)", op_text(op),
              op.inputs.size());
    }
    if (op.inputs.size() != 1 || !op_exists(op.inputs.front()) || op.inputs.front() >= op.id) return;
    const Op& in = op_at(op.inputs.front());
    if (std::tie(op.in_height, op.in_width, op.in_features, op.in_bits) !=
        std::tie(in.out_height, in.out_width, in.out_features, in.act_bits)) {
      problem("{} reads {}x{}x{} at {} bits, expected {}'s output {}x{}x{} at {} bits", op_text(op),
              op.in_height, op.in_width, op.in_features, op.in_bits, op_text(in), in.out_height, in.out_width,
              in.out_features, in.act_bits);
    }
  }

  // A CNN layer's tiles are its (input tile, filter group) pairs: their row ranges partition its input rows,
  // their channel ranges its output channels, and each pair comes once. Only the first layer, a conv2d,
  // may run on the HRC, as one tile.
  void check_cnn_tiles(const Op& op) {
    if (op.tiles.empty()) {
      problem("{} has no tiles, expected tiles covering rows 0..{} x channels 0..{}", op_text(op),
              op.in_height, op.out_features);
      return;
    }
    std::set<std::pair<int64_t, int64_t>> rows, channels;
    std::map<std::pair<std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>>, int> pairs;
    for (const Tile& tile : op.tiles) {
      const std::string owner = fmt::format("{} tile {}", op_text(op), tile.index);
      if (tile.on_hrc && (op.kind != OpKind::Conv2d || !op.inputs.empty() || op.tiles.size() != 1)) {
        problem("{} is on the HRC, expected only the first layer's one tile there (a conv2d with no inputs)",
                owner);
      } else if (!tile.on_hrc) {
        check_np(tile.np, owner);
      }
      if (tile.row_begin >= tile.row_end || tile.row_end > op.in_height || tile.out_begin >= tile.out_end ||
          tile.out_end > op.out_features) {
        problem(
            "{} covers rows {}..{} x channels {}..{}, expected non-empty ranges inside rows 0..{} x "
            "channels 0..{}",
            owner, tile.row_begin, tile.row_end, tile.out_begin, tile.out_end, op.in_height, op.out_features);
        continue;
      }
      rows.insert({tile.row_begin, tile.row_end});
      channels.insert({tile.out_begin, tile.out_end});
      ++pairs[{{tile.row_begin, tile.row_end}, {tile.out_begin, tile.out_end}}];
    }
    check_partition(op, "rows", rows, op.in_height);
    check_partition(op, "channels", channels, op.out_features);
    for (const auto& r : rows) {
      for (const auto& c : channels) {
        const auto found = pairs.find({r, c});
        const int count = found == pairs.end() ? 0 : found->second;
        if (count != 1) {
          problem(
              "{} has {} tiles for rows {}..{} x channels {}..{}, expected exactly one for each (input "
              "tile, filter group) pair",
              op_text(op), count, r.first, r.second, c.first, c.second);
        }
      }
    }
  }

  // The distinct ranges of one axis of a CNN layer's tiles, in order, cover 0..extent without gap or overlap.
  void check_partition(const Op& op, const char* axis, const std::set<std::pair<int64_t, int64_t>>& ranges,
                       int64_t extent) {
    int64_t covered = 0;
    for (const auto& [begin, end] : ranges) {
      if (begin > covered) {
        problem(
            "{} tiles' {} leave {}..{} uncovered, expected ranges that split 0..{} without gap or overlap",
            op_text(op), axis, covered, begin, extent);
      } else if (begin < covered) {
        problem(
            "{} tiles' {} {}..{} overlap up to {}, expected ranges that split 0..{} without gap or overlap",
            op_text(op), axis, begin, end, covered, extent);
      }
      if (begin != covered) return;
      covered = end;
    }
    if (!ranges.empty() && covered != extent)
      problem("{} tiles cover {} 0..{}, expected 0..{}", op_text(op), axis, covered, extent);
  }

  void check_earlier(const Op& op, int id, const char* relation) {
    if (!op_exists(id) || id >= op.id)
      problem("{} {} %{}, expected an op defined before it", op_text(op), relation, id);
  }

  void check_buffer_reference(const Op& op) {
    const bool uses_buffer = op_kind_traits(op.kind).uses_kv_buffer;
    const bool exists = op.buffer >= 0 && op.buffer < static_cast<int>(p_.buffers.size());
    if (uses_buffer && !exists) {
      problem("{} ({}) refers to buffer @{}, expected one of the {} buffers", op_text(op), to_string(op.kind),
              op.buffer, p_.buffers.size());
    } else if (!uses_buffer && op.buffer != -1) {
      problem("{} ({}) refers to buffer @{}, expected none (only {} use buffers)", op_text(op),
              to_string(op.kind), op.buffer, buffer_kinds());
    }
  }

  void check_tiles(const Op& op) {
    const int64_t extent = tile_extent(op);
    if (op.tiles.empty()) problem("{} has no tiles, expected tiles covering 0..{}", op_text(op), extent);
    std::vector<const Tile*> by_begin;
    for (std::size_t j = 0; j < op.tiles.size(); ++j) {
      const Tile& tile = op.tiles[j];
      const std::string owner = fmt::format("{} tile {}", op_text(op), j);
      if (tile.index != static_cast<int>(j)) problem("{} has index {}, expected {}", owner, tile.index, j);
      check_np(tile.np, owner);
      if (tile.on_hrc || tile.row_begin != 0 || tile.row_end != 0) {
        problem(
            "{} has rows {}..{}{}, expected neither: only CNN layers' tiles have input rows or run on "
            "the HRC",
            owner, tile.row_begin, tile.row_end, tile.on_hrc ? " and runs on the HRC" : "");
      }
      if (tile.out_begin >= tile.out_end) {
        problem("{} covers {}..{}, expected a non-empty range", owner, tile.out_begin, tile.out_end);
      }
      if (op.weights == Storage::Sram && tile.pass != 0 && !is_cnn_layer(op.kind)) {
        problem("{} is resident but has pass {}, expected pass 0 (passes are for streamed weights)", owner,
                tile.pass);
      }
      by_begin.push_back(&tile);
    }
    std::sort(by_begin.begin(), by_begin.end(),
              [](const Tile* a, const Tile* b) { return a->out_begin < b->out_begin; });
    int64_t covered = 0;  // [0, covered) is covered so far
    for (const Tile* tile : by_begin) {
      if (tile->out_begin > covered) {
        problem("{} leaves {}..{} uncovered, expected its tiles to cover 0..{}", op_text(op), covered,
                tile->out_begin, extent);
      } else if (tile->out_begin < covered) {
        problem("{} tile {} covers {}..{}, overlapping what its other tiles cover up to {}", op_text(op),
                tile->index, tile->out_begin, tile->out_end, covered);
      }
      covered = std::max(covered, tile->out_end);
    }
    if (!op.tiles.empty() && covered != extent) {
      problem("{} tiles cover 0..{}, expected 0..{} ({})", op_text(op), covered, extent, extent_unit(op));
    }
  }

  // "kv_append and kv_read": the kinds that use a KV buffer.
  static std::string buffer_kinds() {
    std::vector<std::string> names;
    for (OpKind kind : kOpKinds) {
      if (op_kind_traits(kind).uses_kv_buffer) names.push_back(to_string(kind));
    }
    return fmt::format("{}", fmt::join(names, " and "));
  }

  static const char* extent_unit(const Op& op) { return to_string(op_kind_traits(op.kind).tile_axis); }

  // The Embed ops an LM head's tied_to names: their table is the head's, so they hold no weights.
  std::set<int> tied_embeds() const {
    std::set<int> tied;
    for (const Op& op : p_.ops) {
      if (op_exists(op.tied_to) && op_at(op.tied_to).kind == OpKind::Embed) tied.insert(op.tied_to);
    }
    return tied;
  }

  // Each tile holds the bytes partition gives its channels (ir::tile_weight_bytes); a streamed op's weight
  // tiles load in passes numbered from 1, each pass belonging to one op.
  void check_weight_tiles() {
    const std::set<int> tied = tied_embeds();
    std::map<int, std::size_t> pass_owner;  // pass -> op position
    for (std::size_t i = 0; i < p_.ops.size(); ++i) {
      const Op& op = p_.ops[i];
      const bool tied_embed = tied.count(static_cast<int>(i)) > 0;
      for (const Tile& tile : op.tiles) {
        const std::string owner = fmt::format("{} tile {}", op_text(op), tile.index);
        if (tile.out_begin < tile.out_end) {
          const int64_t expected = tile_weight_bytes(op, tile.out_end - tile.out_begin, tied_embed);
          if (tile.weight_bytes != expected) {
            problem("{} has weight_bytes {}, expected {} for {} channels of {} bits each at {}-bit weights",
                    owner, tile.weight_bytes, expected, tile.out_end - tile.out_begin,
                    channel_weight_bits(op, tied_embed), op.weight_bits);
          }
        }
        if (op.weights != Storage::Dram || tile.weight_bytes == 0 || is_cnn_layer(op.kind)) continue;
        if (tile.pass < 1) {
          problem("{} is streamed but has pass {}, expected pass 1 or later (pass 0 is for resident tiles)",
                  owner, tile.pass);
          continue;
        }
        const auto [found, added] = pass_owner.emplace(tile.pass, i);
        if (!added && found->second != i) {
          problem(
              "{} loads in pass {}, which is already {}'s, expected each streamed op in passes of its own",
              owner, tile.pass, op_text(p_.ops[found->second]));
        }
      }
    }
  }

  // Resident weights stay in an NP's weight SRAM for the whole run; a streamed pass uses what is left beside
  // them.
  void check_capacity() {
    check_weight_tiles();
    const int64_t capacity = p_.chip.weight_sram_bytes;
    std::map<NpCoord, int64_t> resident;
    std::map<NpCoord, std::vector<const Op*>> resident_ops;
    std::map<std::tuple<std::size_t, NpCoord, int>, int64_t> streamed;  // (op position, NP, pass) -> bytes
    for (std::size_t i = 0; i < p_.ops.size(); ++i) {
      const Op& op = p_.ops[i];
      if (is_cnn_layer(op.kind)) continue;
      for (const Tile& tile : op.tiles) {
        if (op.weights == Storage::Sram) {
          resident[tile.np] = add_bytes(resident[tile.np], tile.weight_bytes);
          auto& ops = resident_ops[tile.np];
          if (tile.weight_bytes > 0 && (ops.empty() || ops.back() != &op)) ops.push_back(&op);
        } else {
          int64_t& bytes = streamed[{i, tile.np, tile.pass}];
          bytes = add_bytes(bytes, tile.weight_bytes);
        }
      }
    }
    for (const auto& [np, bytes] : resident) {
      if (bytes <= capacity) continue;
      std::vector<std::string> names;
      for (const Op* op : resident_ops[np]) names.push_back(op->name);
      problem("NP {} holds {} bytes of resident weights ({}), it has {} bytes of weight SRAM", np_text(np),
              bytes, listed(names), capacity);
    }
    for (const auto& [key, bytes] : streamed) {
      const auto& [op, np, pass] = key;
      const auto found = resident.find(np);
      const int64_t beside = found == resident.end() ? 0 : found->second;
      if (add_bytes(bytes, beside) <= capacity) continue;
      problem(
          "{} pass {} loads {} bytes into NP {} beside {} resident bytes, the NP has {} bytes of weight SRAM",
          op_text(p_.ops[op]), pass, bytes, np_text(np), beside, capacity);
    }
    check_cnn_capacity();
  }

  // A CNN's layers hold their weights on their NPs for the pass they run in (the HRC's and a streaming
  // FNP2's excepted): per NP and pass, at most the weight SRAM.
  void check_cnn_capacity() {
    std::map<std::pair<NpCoord, int>, int64_t> held;
    std::map<std::pair<NpCoord, int>, std::vector<std::string>> holders;
    for (const Op& op : p_.ops) {
      if (!is_cnn_layer(op.kind) || op.weights == Storage::Dram) continue;
      for (const Tile& tile : op.tiles) {
        if (tile.on_hrc) continue;
        int64_t& bytes = held[{tile.np, tile.pass}];
        bytes = add_bytes(bytes, tile.weight_bytes);
        holders[{tile.np, tile.pass}].push_back(op.name);
      }
    }
    for (const auto& [key, bytes] : held) {
      if (bytes <= p_.chip.weight_sram_bytes) continue;
      problem("NP {} holds {} bytes of weights in pass {} ({}), it has {} bytes of weight SRAM",
              np_text(key.first), bytes, key.second, listed(holders[key]), p_.chip.weight_sram_bytes);
    }
  }

  // A buffer's shape is its ops': kv_append and kv_read carry its kv_heads and head_dim and move whole rows
  // of kv_heads x head_dim values (kv_read's tiles then cover its heads); its width is the program's KV
  // width.
  void check_buffer_shape(std::size_t i) {
    const Buffer& buffer = p_.buffers[i];
    const std::string label = fmt::format("buffer @{} {}", i, buffer.name);
    if (buffer.kv_heads < 1 || buffer.head_dim < 1) {
      problem("{} has kv_heads {} and head_dim {}, expected at least 1 of each", label, buffer.kv_heads,
              buffer.head_dim);
    }
    if (buffer.bits != p_.precision.kv_bits) {
      problem("{} stores {}-bit values, expected the program's kv_bits {}", label, buffer.bits,
              p_.precision.kv_bits);
    }
    for (const Op& op : p_.ops) {
      if (op.buffer != static_cast<int>(i) || !op_kind_traits(op.kind).uses_kv_buffer) continue;
      if (op.kv_heads != buffer.kv_heads || op.head_dim != buffer.head_dim) {
        problem("{} has kv_heads {} and head_dim {}, expected its {}'s {} and {}", op_text(op), op.kv_heads,
                op.head_dim, label, buffer.kv_heads, buffer.head_dim);
      }
      const int64_t row = multiply_bytes(buffer.kv_heads, buffer.head_dim);
      if (op.out_features != row) {
        problem("{} has out_features {}, expected one row of {}: kv_heads {} x head_dim {} = {}", op_text(op),
                op.out_features, label, buffer.kv_heads, buffer.head_dim, row);
      }
    }
  }

  // The header's kv_heads is the buffers' (0 when they differ from layer to layer).
  void check_header_kv_heads() {
    std::set<int> widths;
    for (const Buffer& buffer : p_.buffers) widths.insert(buffer.kv_heads);
    if (widths.size() == 1 && p_.kv_heads != *widths.begin()) {
      problem("the program has kv_heads {}, expected its buffers' {}", p_.kv_heads, *widths.begin());
    } else if (widths.size() > 1 && p_.kv_heads != 0) {
      problem("the program has kv_heads {}, expected 0: its buffers' kv_heads differ ({})", p_.kv_heads,
              fmt::join(widths, ", "));
    }
  }

  // An SRAM buffer's capacity is split evenly over its NPs (rounded up); buffers sharing an NP add up, within
  // the share of input SRAM the KV cache may use (kKvShareOfInputSram, as plan_kv_cache plans it).
  void check_buffers() {
    check_header_kv_heads();
    std::map<NpCoord, int64_t> held;
    std::map<NpCoord, std::vector<std::string>> holders;
    for (std::size_t i = 0; i < p_.buffers.size(); ++i) {
      const Buffer& buffer = p_.buffers[i];
      const std::string label = fmt::format("buffer @{} {}", i, buffer.name);
      check_buffer_shape(i);
      const int64_t expected =
          ceil_div(multiply_bytes(multiply_bytes(buffer.kv_heads, buffer.head_dim), buffer.bits), 8);
      if (buffer.bytes_per_token != expected) {
        problem("{} has bytes_per_token {}, expected kv_heads {} x head_dim {} x {} bits / 8 = {}", label,
                buffer.bytes_per_token, buffer.kv_heads, buffer.head_dim, buffer.bits, expected);
      }
      // A sliding-window layer's buffer keeps its window: what its kv_read ops attend to.
      int64_t needed = p_.context;
      for (const Op& op : p_.ops) {
        if (op.kind == OpKind::KvRead && op.buffer == static_cast<int>(i) && op.window > 0)
          needed = std::min<int64_t>(needed, op.window);
      }
      if (buffer.capacity_tokens < needed) {
        problem(
            "{} holds {} tokens, expected at least the {} its readers attend to (the program's context, "
            "or their window)",
            label, buffer.capacity_tokens, needed);
      }
      if (buffer.location == Storage::Dram) {
        if (!p_.chip.has_dram) problem("{} is in DRAM, but chip {} has no DRAM", label, p_.chip.name);
        continue;
      }
      if (buffer.nps.empty()) {
        problem("{} is in SRAM on no NP, expected the NPs whose input SRAM holds it", label);
        continue;
      }
      const int64_t share = ceil_div(multiply_bytes(buffer.capacity_tokens, buffer.bytes_per_token),
                                     static_cast<int64_t>(buffer.nps.size()));
      for (const NpCoord& np : buffer.nps) {
        check_np(np, label);
        held[np] = add_bytes(held[np], share);
        holders[np].push_back(buffer.name);
      }
    }
    const int64_t budget = kv_budget_per_np(p_.chip.input_sram_bytes);
    for (const auto& [np, bytes] : held) {
      if (bytes > budget) {
        problem(
            "NP {} holds {} bytes of KV cache ({}), it reserves {} of its {} bytes of input SRAM for the KV "
            "cache",
            np_text(np), bytes, listed(holders[np]), budget, p_.chip.input_sram_bytes);
      }
    }
  }

  void check_routes() {
    std::map<std::tuple<int, int, int>, std::size_t>
        first_route;  // (source op, tile, destination op) -> route
    for (std::size_t i = 0; i < p_.routes.size(); ++i) {
      const Route& route = p_.routes[i];
      const std::string label =
          fmt::format("route {} (%{}.{} to %{})", i, route.src_op, route.src_tile, route.dst_op);
      const auto [first, added] =
          first_route.emplace(std::make_tuple(route.src_op, route.src_tile, route.dst_op), i);
      if (!added) {
        problem("{} repeats route {}, expected one route per source tile and destination op", label,
                first->second);
      }
      if (!tile_exists(route.src_op, route.src_tile)) {
        problem("{} starts at a tile that does not exist", label);
        continue;
      }
      if (!op_exists(route.dst_op)) {
        problem("{} goes to an op that does not exist", label);
        continue;
      }
      const Op& dst = op_at(route.dst_op);
      if (std::find(dst.inputs.begin(), dst.inputs.end(), route.src_op) == dst.inputs.end()) {
        problem("{} feeds {}, which does not take %{} as an input", label, op_text(dst), route.src_op);
      }
      if (route.dst_tiles.empty()) problem("{} has no destination tiles", label);
      const NpCoord src = op_at(route.src_op).tiles[static_cast<std::size_t>(route.src_tile)].np;
      bool placed = in_mesh(src);  // tiles off the mesh are reported with their op and have no path
      MulticastDestinations dsts;
      for (std::size_t k = 0; k < route.dst_tiles.size(); ++k) {
        const int tile = route.dst_tiles[k];
        if (k > 0 && tile <= route.dst_tiles[k - 1])
          problem("{} lists tile {} out of order, expected ascending", label, tile);
        if (!tile_exists(route.dst_op, tile)) {
          problem("{} goes to tile {}, but {} has {} tiles", label, tile, op_text(dst), dst.tiles.size());
          continue;
        }
        const NpCoord np = dst.tiles[static_cast<std::size_t>(tile)].np;
        placed = placed && in_mesh(np);
        dsts.add(np);
      }
      if (!placed) continue;
      const int hops = dsts.tree_links(src);
      if (route.hops != hops) {
        problem("{} has {} hops, expected {} (the XY multicast tree from NP {})", label, route.hops, hops,
                np_text(src));
      }
    }
  }

  // Every op once; an op starts after what it waits on and after its inputs, in a later wave.
  void check_schedule(const char* name, const std::vector<Step>& steps) {
    std::vector<int> wave(p_.ops.size(), -1);  // -1: not scheduled yet
    for (const Step& step : steps) {
      if (!op_exists(step.op)) {
        problem("schedule {} lists op %{}, which does not exist", name, step.op);
        continue;
      }
      const Op& op = op_at(step.op);
      if (wave[static_cast<std::size_t>(step.op)] != -1)
        problem("schedule {} lists {} twice", name, op_text(op));
      if (step.last_token_only && std::string(name) != "prefill") {
        problem("schedule {} marks {} last_token_only, expected that only in prefill", name, op_text(op));
      }
      for (int wait : step.waits) check_order(name, step, wave, wait, "waits on");
      for (int input : op.inputs) check_order(name, step, wave, input, "takes input from");
      wave[static_cast<std::size_t>(step.op)] = std::max(step.wave, 0);
    }
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < wave.size(); ++i) {
      if (wave[i] == -1) missing.push_back(fmt::format("%{} {}", i, p_.ops[i].name));
    }
    if (!missing.empty()) problem("schedule {} leaves out {} ops: {}", name, missing.size(), listed(missing));
  }

  void check_order(const char* name, const Step& step, const std::vector<int>& wave, int other,
                   const char* relation) {
    const Op& op = op_at(step.op);
    if (!op_exists(other) || wave[static_cast<std::size_t>(other)] == -1) {
      problem("schedule {}: {} {} %{}, which is not scheduled before it", name, op_text(op), relation, other);
    } else if (wave[static_cast<std::size_t>(other)] >= step.wave) {
      problem("schedule {}: {} in wave {} {} {} in wave {}, expected a later wave", name, op_text(op),
              step.wave, relation, op_text(op_at(other)), wave[static_cast<std::size_t>(other)]);
    }
  }

  static std::string listed(const std::vector<std::string>& names) {
    if (names.size() <= kListedOps) return fmt::format("{}", fmt::join(names, ", "));
    return fmt::format("{}, and {} more", fmt::join(names.begin(), names.begin() + kListedOps, ", "),
                       names.size() - kListedOps);
  }

  const Program& p_;
  std::vector<std::string> problems_;
};

template <class T, class U>
void compare(std::vector<std::string>& problems, const char* field, const T& program_value,
             const U& chip_value, const std::string& chip_name) {
  if (program_value != chip_value) {
    problems.push_back(fmt::format("the program's chip has {} {}, chip {} has {}", field, program_value,
                                   chip_name, chip_value));
  }
}

}  // namespace

std::vector<std::string> verify_program(const Program& program) { return Verifier(program).run(); }

std::vector<std::string> verify_against(const Program& program, const HwConfig& hw) {
  std::vector<std::string> problems;
  const ChipInfo& chip = program.chip;
  compare(problems, "name", chip.name, hw.name, hw.name);
  compare(problems, "mesh_cols", chip.mesh_cols, hw.mesh_cols, hw.name);
  compare(problems, "mesh_rows", chip.mesh_rows, hw.mesh_rows, hw.name);
  compare(problems, "nps_per_node", chip.nps_per_node, hw.nps_per_node, hw.name);
  compare(problems, "weight_sram_bytes", chip.weight_sram_bytes, hw.np.weight_sram_bytes, hw.name);
  compare(problems, "input_sram_bytes", chip.input_sram_bytes, hw.np.input_sram_bytes, hw.name);
  compare(problems, "has_dram", chip.has_dram, hw.dram.present, hw.name);
  const auto check_bits = [&](const std::string& what, int bits, const std::vector<int>& supported,
                              const char* list) {
    if (std::find(supported.begin(), supported.end(), bits) != supported.end()) return;
    problems.push_back(fmt::format("{} is {} bits, chip {} supports {} ({})", what, bits, hw.name,
                                   fmt::join(supported, ", "), list));
  };
  check_bits("the program's weight_bits", program.precision.weight_bits, hw.np.weight_bits, "np.weight_bits");
  check_bits("the program's act_bits", program.precision.act_bits, hw.np.activation_bits,
             "np.activation_bits");
  if (program.model.network != Network::Cnn)  // a CNN keeps no KV cache
    check_bits("the program's kv_bits", program.precision.kv_bits, hw.np.kv_bits, "np.kv_bits");
  for (const Op& op : program.ops) {
    const bool on_hrc = !op.tiles.empty() && op.tiles.front().on_hrc;  // the HRC reads the raw input
    if ((has_weights(op.kind) || op.weight_bits != 0) && !on_hrc) {
      check_bits(fmt::format("{}'s weight_bits", op_text(op)), op.weight_bits, hw.np.weight_bits,
                 "np.weight_bits");
    }
  }
  return problems;
}

std::string describe_problems(const std::string& name, const std::vector<std::string>& problems) {
  // One problem per line, each naming the file; the first line also counts them.
  std::string text =
      fmt::format("{}: {} problem{}: ", name, problems.size(), problems.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < problems.size() && i < kListedProblems; ++i)
    text += (i ? fmt::format("\n{}: ", name) : "") + problems[i];
  if (problems.size() > kListedProblems)
    text += fmt::format("\n{}: and {} more", name, problems.size() - kListedProblems);
  return text;
}

void check_program(const Program& program, const std::string& name) {
  const auto problems = verify_program(program);
  if (!problems.empty()) throw InputError(describe_problems(name, problems));
}

void check_program(const Program& program, const std::string& name, const HwConfig& hw) {
  auto problems = verify_program(program);
  const auto against = verify_against(program, hw);
  problems.insert(problems.end(), against.begin(), against.end());
  if (!problems.empty()) throw InputError(describe_problems(name, problems));
}

}  // namespace neurokv::ir

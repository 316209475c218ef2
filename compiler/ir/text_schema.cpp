#include "compiler/ir/text_schema.hpp"

#include "compiler/config/cnn_spec.hpp"
#include "compiler/ir/op_kind.hpp"

namespace neurokv::ir::text {
namespace {

constexpr int kMaxInt = static_cast<int>(kMaxCount);
const Integer<int> kCount{0, kMaxInt};
const Integer<int> kBits{0, 64};
const Integer<int64_t> kWidth{0, kMaxWidth};
const Integer<int64_t> kByteCount{0, kMaxBytes};
const Integer<int> kOpId{0, kMaxInt, '%'};
const Integer<int64_t> kTokens{0, kMaxContext};
const Choice<Storage> kStorage{{Storage::Sram, Storage::Dram}};
const Integer<int64_t> kSide{0, kCnnMaxSide};
const Integer<int> kKernel{0, kCnnMaxKernel};

}  // namespace

const LineFields<ModelInfo>& model_line() {
  static const auto fields =
      LineFields<ModelInfo>()
          .positional("name", &ModelInfo::name, Text{})
          .optional("layers", &ModelInfo::layers, kCount)
          .optional("d_model", &ModelInfo::d_model, kCount)
          .optional("heads", &ModelInfo::heads, kCount)
          .optional("head_dim", &ModelInfo::head_dim, kCount)
          .optional("mlp_hidden", &ModelInfo::mlp_hidden, kCount)
          .optional("vocab", &ModelInfo::vocab, kCount)
          .optional("max_positions", &ModelInfo::max_positions, kCount)
          .optional("network", &ModelInfo::network, Choice<Network>{{Network::Transformer, Network::Cnn}})
          .optional("map_mode", &ModelInfo::map_mode, Text{})
          .optional("spread", &ModelInfo::spread, kCount);
  return fields;
}

const LineFields<Program>& variant_line() {
  static const auto fields = LineFields<Program>()
                                 .positional("variant", &Program::variant, Text{})
                                 .optional("kv_heads", &Program::kv_heads, kCount);
  return fields;
}

const LineFields<ChipInfo>& chip_line() {
  static const auto fields =
      LineFields<ChipInfo>()
          .positional("name", &ChipInfo::name, Text{})
          .optional("mesh_cols", &ChipInfo::mesh_cols, Integer<int>{0, kMaxCoordinate})
          .optional("mesh_rows", &ChipInfo::mesh_rows, Integer<int>{0, kMaxCoordinate})
          .optional("nps_per_node", &ChipInfo::nps_per_node, Integer<int>{0, kMaxCoordinate})
          .optional("weight_sram_bytes", &ChipInfo::weight_sram_bytes, kByteCount)
          .optional("input_sram_bytes", &ChipInfo::input_sram_bytes, kByteCount)
          .optional("has_dram", &ChipInfo::has_dram, Flag{})
          .optional("hash", &ChipInfo::hash, Text{})
          .optional("source", &ChipInfo::source, Text{});
  return fields;
}

const LineFields<Precision>& precision_line() {
  static const auto fields = LineFields<Precision>()
                                 .optional("weight_bits", &Precision::weight_bits, kBits)
                                 .optional("act_bits", &Precision::act_bits, kBits)
                                 .optional("kv_bits", &Precision::kv_bits, kBits);
  return fields;
}

const LineFields<Program>& context_line() {
  static const auto fields = LineFields<Program>().positional("context", &Program::context, kTokens);
  return fields;
}

const LineFields<Program>& fused_kv_line() {
  static const auto fields = LineFields<Program>().positional("fused_kv", &Program::fused_kv, Flag{});
  return fields;
}

const LineFields<Buffer>& buffer_line() {
  static const auto fields =
      LineFields<Buffer>()
          .positional("name", &Buffer::name, Text{})
          .required("layer", &Buffer::layer, kCount)
          .required("role", &Buffer::role, Choice<BufferRole>{{BufferRole::Keys, BufferRole::Values}})
          .optional("kv_heads", &Buffer::kv_heads, kCount)
          .optional("head_dim", &Buffer::head_dim, kCount)
          .optional("bits", &Buffer::bits, kBits)
          .optional("bytes_per_token", &Buffer::bytes_per_token, kByteCount)
          .optional("capacity_tokens", &Buffer::capacity_tokens, kTokens)
          .required("location", &Buffer::location, kStorage)
          .optional("nps", &Buffer::nps, List<Coord>{});
  return fields;
}

const LineFields<Op>& op_line() {
  static const auto fields =
      LineFields<Op>()
          .positional("id", &Op::id, kOpId)
          .positional("name", &Op::name, Text{})
          .positional("kind", &Op::kind, Choice<OpKind>{{kOpKinds.begin(), kOpKinds.end()}})
          .optional("layer", &Op::layer, Integer<int>{-1, kMaxInt})
          .optional("role", &Op::role,
                    Choice<LinearRole>{{LinearRole::None, LinearRole::Q, LinearRole::K, LinearRole::V,
                                        LinearRole::O, LinearRole::MlpUp, LinearRole::MlpDown,
                                        LinearRole::LmHead, LinearRole::MlpGate}})
          .optional("inputs", &Op::inputs, List<Integer<int>>{kOpId})
          .optional("in_features", &Op::in_features, kWidth)
          .optional("out_features", &Op::out_features, kWidth)
          .optional("bias", &Op::bias, Flag{})
          .optional("heads", &Op::heads, kCount)
          .optional("kv_heads", &Op::kv_heads, kCount)
          .optional("head_dim", &Op::head_dim, kCount)
          .optional("buffer", &Op::buffer, kBufferId)
          .optional("input_density", &Op::input_density, Number{0, 1})
          .optional("weight_bits", &Op::weight_bits, kBits)
          .optional("act_bits", &Op::act_bits, kBits)
          .optional("weights", &Op::weights, kStorage)
          .optional("tied_to", &Op::tied_to, kOpId)
          .optional("window", &Op::window, kTokens)
          .optional("rope_theta", &Op::rope_theta, Number{0, 1e12})
          .optional("rotary_dims", &Op::rotary_dims, kCount)
          .optional("act", &Op::activation,
                    Choice<GateActivation>{{GateActivation::Silu, GateActivation::Gelu}})
          .optional("in_height", &Op::in_height, kSide)
          .optional("in_width", &Op::in_width, kSide)
          .optional("out_height", &Op::out_height, kSide)
          .optional("out_width", &Op::out_width, kSide)
          .optional("kernel", &Op::kernel, kKernel)
          .optional("stride", &Op::stride, kKernel)
          .optional("pad", &Op::pad, kKernel)
          .optional("pool", &Op::pool,
                    Choice<Pooling>{{Pooling::None, Pooling::Max, Pooling::Avg, Pooling::GlobalAvg}})
          .optional("pool_size", &Op::pool_size, kKernel)
          .optional("pool_stride", &Op::pool_stride, kKernel)
          .optional("relu", &Op::relu, Choice<Relu>{{Relu::No, Relu::Yes, Relu::Bounded}})
          .optional("relu_bound", &Op::relu_bound, Number{0, 1e9})
          .optional("batchnorm", &Op::batchnorm, Flag{})
          .optional("in_bits", &Op::in_bits, kBits);
  return fields;
}

const LineFields<Tile>& tile_line() {
  static const auto fields =
      LineFields<Tile>()
          .positional("index", &Tile::index, kCount)
          .compound(
              FieldMode::Required, "np",
              [](const Tile& t) {
                return Placement::Value{t.on_hrc, t.np};
              },
              [](Tile& t, Placement::Value place) { std::tie(t.on_hrc, t.np) = place; }, Placement{})
          .compound(
              FieldMode::Required, "out",
              [](const Tile& t) {
                return Range::Value{t.out_begin, t.out_end};
              },
              [](Tile& t, Range::Value range) { std::tie(t.out_begin, t.out_end) = range; }, Range{})
          .compound(
              FieldMode::Optional, "rows",
              [](const Tile& t) {
                return Range::Value{t.row_begin, t.row_end};
              },
              [](Tile& t, Range::Value range) {
                // Range{kCnnMaxSide} read them: they fit the tile's 32-bit fields.
                t.row_begin = static_cast<int32_t>(range.first);
                t.row_end = static_cast<int32_t>(range.second);
              },
              Range{kCnnMaxSide})
          .optional("weight_bytes", &Tile::weight_bytes, kByteCount)
          .optional("pass", &Tile::pass, kCount);
  return fields;
}

const LineFields<Route>& route_line() {
  static const auto fields =
      LineFields<Route>()
          .compound(
              FieldMode::Positional, "source",
              [](const Route& r) {
                return TileRef::Value{r.src_op, r.src_tile};
              },
              [](Route& r, TileRef::Value tile) { std::tie(r.src_op, r.src_tile) = tile; }, TileRef{})
          .required("dst", &Route::dst_op, kOpId)
          .compound(
              FieldMode::Required, "tiles",
              [](const Route& r) -> const std::vector<int>& { return r.dst_tiles.tiles(); },
              [](Route& r, std::vector<int> tiles) { r.dst_tiles = std::move(tiles); },
              List<Integer<int>>{kCount})
          .required("hops", &Route::hops, kCount);
  return fields;
}

const LineFields<Step>& step_line() {
  static const auto fields = LineFields<Step>()
                                 .positional("op", &Step::op, kOpId)
                                 .required("wave", &Step::wave, kCount)
                                 .optional("waits", &Step::waits, List<Integer<int>>{kOpId})
                                 .optional("last_token_only", &Step::last_token_only, Flag{});
  return fields;
}

}  // namespace neurokv::ir::text

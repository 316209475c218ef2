#include "compiler/passes/map_cnn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/passes/place.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::passes {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

bool listed(const std::vector<int>& widths, int bits) {
  return std::find(widths.begin(), widths.end(), bits) != widths.end();
}

// NP layers must use widths the chip's NPs support; the HRC reads the raw input and is exempt for it.
void check_widths(const CnnLayer& layer, LayerEngine engine, const HwConfig& hw) {
  if (engine == LayerEngine::Hrc) return;
  if (!listed(hw.np.weight_bits, layer.weight_bits)) {
    throw InputError(fmt::format("layer {} has {}-bit weights, chip {} supports {} bits", layer.name,
                                 layer.weight_bits, hw.name, fmt::join(hw.np.weight_bits, ", ")));
  }
  if (!listed(hw.np.activation_bits, layer.in_bits)) {
    throw InputError(fmt::format("layer {} reads {}-bit activations, chip {} supports {} bits", layer.name,
                                 layer.in_bits, hw.name, fmt::join(hw.np.activation_bits, ", ")));
  }
}

LayerEngine engine_of(const CnnLayer& layer, const HwConfig& hw) {
  switch (layer.kind) {
    case CnnLayerKind::InputConv:
      return LayerEngine::Hrc;
    case CnnLayerKind::Dense:
      if (layer_weight_bytes(layer) <= hw.np.weight_sram_bytes || !hw.dram.present) return LayerEngine::Fnp3;
      return LayerEngine::Fnp2;
    case CnnLayerKind::Conv2d:
    case CnnLayerKind::Depthwise:
    case CnnLayerKind::Pointwise:
    case CnnLayerKind::Separable:
      return LayerEngine::Cnp;
  }
  return LayerEngine::Cnp;
}

// The fewest filter groups whose weights fit an NP's weight SRAM (each NP of the layer also holds the
// weights every filter shares).
int filter_tiles_for_sram(const CnnLayer& layer, const HwConfig& hw) {
  const int64_t sram_bits = hw.np.weight_sram_bytes * 8;
  const int64_t shared = shared_weight_bits(layer);
  const int64_t per_filter = filter_weight_bits(layer);
  const int64_t per_np = (sram_bits - shared) / per_filter;
  if (per_np < 1) {
    throw MappingError(
        fmt::format("layer {} needs {} bytes of weight SRAM for one output channel ({} bytes "
                    "shared by all), the chip has {} per NP",
                    layer.name, ceil_div(per_filter, 8), ceil_div(shared, 8), hw.np.weight_sram_bytes));
  }
  return static_cast<int>(ceil_div(layer.filters, per_np));
}

// The fewest input tiles whose activations fit an NP's input buffers and whose width an NP takes (Akida 1:
// 32 columns; a wider layer is split spatially, BrainChip devhub knowledge base, docs/sources.md).
int spatial_tiles_for_input(const CnnLayer& layer, int64_t input_bytes, const HwConfig& hw) {
  const int64_t row_bytes = ceil_div(layer.in.width * layer.in.channels * layer.in_bits, 8);
  if (row_bytes > hw.np.input_sram_bytes) {
    throw MappingError(
        fmt::format("layer {} needs {} bytes of input SRAM for one row of its input, the chip "
                    "has {} per NP",
                    layer.name, row_bytes, hw.np.input_sram_bytes));
  }
  const int64_t by_width = hw.np.max_input_width > 0 ? ceil_div(layer.in.width, hw.np.max_input_width) : 1;
  return static_cast<int>(std::max(ceil_div(input_bytes, hw.np.input_sram_bytes), by_width));
}

LayerMapping tiles_of(const CnnSpec& spec, int index, const HwConfig& hw, MapMode mode) {
  const CnnLayer& layer = spec.layers.at(static_cast<size_t>(index));
  LayerMapping m;
  m.layer = index;
  m.engine = engine_of(layer, hw);
  check_widths(layer, m.engine, hw);
  m.input_bytes = ceil_div(layer.in.elements() * layer.in_bits, 8);
  m.weight_bytes = layer_weight_bytes(layer);
  switch (m.engine) {
    case LayerEngine::Hrc:
      m.spatial_tiles = m.filter_tiles = 0;
      break;
    case LayerEngine::Fnp2:
      break;  // one NP; its weights stream through it
    case LayerEngine::Fnp3:
      m.filter_tiles = filter_tiles_for_sram(layer, hw);
      break;
    case LayerEngine::Cnp:
      m.spatial_tiles = spatial_tiles_for_input(layer, m.input_bytes, hw);
      m.filter_tiles = filter_tiles_for_sram(layer, hw);
      if (mode == MapMode::AllNps) {
        m.filter_tiles =
            std::max(m.filter_tiles, static_cast<int>(ceil_div(layer.filters, kAllNpsFiltersPerNp)));
      }
      break;
  }
  return m;
}

int total_nps(const std::vector<LayerMapping>& layers, int cnp_factor) {
  int total = 0;
  for (const LayerMapping& m : layers) {
    const int factor = m.engine == LayerEngine::Cnp ? cnp_factor : 1;
    total += m.spatial_tiles * m.filter_tiles * factor;
  }
  return total;
}

// AllNps spreads a model that fits over the NPs it leaves free: every CNP layer's filter groups doubled
// while the chip has room and each group keeps at least one filter. Assumed: reproduces the 16 NPs per
// separable layer of DS-CNN on AKD1000 (four layers of one NP each in Minimal; BrainChip's Akida user guide).
int spread_factor(const CnnSpec& spec, const std::vector<LayerMapping>& layers, int nps_total) {
  int factor = 1;
  for (;;) {
    const int next = factor * 2;
    if (total_nps(layers, next) > nps_total) return factor;
    for (const LayerMapping& m : layers) {
      if (m.engine == LayerEngine::Cnp && int64_t{m.filter_tiles} * next > spec.layers.at(m.layer).filters)
        return factor;
    }
    factor = next;
  }
}

}  // namespace

MapMode parse_map_mode(const std::string& word, const std::string& flag) {
  if (word == "minimal") return MapMode::Minimal;
  if (word == "allnps") return MapMode::AllNps;
  throw InputError(fmt::format("{} {}: not a mapping mode, expected minimal or allnps", flag, word));
}

const char* to_string(MapMode mode) {
  switch (mode) {
    case MapMode::Minimal:
      return "minimal";
    case MapMode::AllNps:
      return "allnps";
  }
  return "?";
}

const char* to_string(LayerEngine engine) {
  switch (engine) {
    case LayerEngine::Hrc:
      return "HRC";
    case LayerEngine::Cnp:
      return "CNP";
    case LayerEngine::Fnp3:
      return "FNP3";
    case LayerEngine::Fnp2:
      return "FNP2";
  }
  return "?";
}

CnnMapping map_cnn(const CnnSpec& spec, const HwConfig& hw, MapMode mode) {
  CnnMapping mapping;
  mapping.mode = mode;
  mapping.nps_total = hw.nps_total();
  for (int i = 0; i < static_cast<int>(spec.layers.size()); ++i)
    mapping.layers.push_back(tiles_of(spec, i, hw, mode));
  if (mode == MapMode::AllNps && total_nps(mapping.layers, 1) <= mapping.nps_total) {
    mapping.spread = spread_factor(spec, mapping.layers, mapping.nps_total);
    for (LayerMapping& m : mapping.layers) {
      if (m.engine == LayerEngine::Cnp) m.filter_tiles *= mapping.spread;
    }
  }
  // Layers in order, each pass filling the chip's NPs along the snake from the DMA point.
  const std::vector<ir::NpCoord> order = snake_order(hw);
  size_t next = 0;
  std::set<ir::NpCoord> used;
  for (LayerMapping& m : mapping.layers) {
    const size_t count = static_cast<size_t>(m.spatial_tiles) * static_cast<size_t>(m.filter_tiles);
    if (count > order.size()) {
      throw MappingError(
          fmt::format("layer {} needs {} NPs ({} input tiles x {} filter groups), the chip has {}",
                      spec.layers.at(m.layer).name, count, m.spatial_tiles, m.filter_tiles, order.size()));
    }
    if (next + count > order.size()) {
      if (!hw.dram.present) {
        throw MappingError(
            fmt::format("layer {} starts a second pass (the layers before it fill {} of {} NPs), "
                        "and the chip has no DRAM to reload weights from between passes",
                        spec.layers.at(m.layer).name, next, order.size()));
      }
      ++mapping.passes;
      next = 0;
    }
    m.pass = mapping.passes - 1;
    for (size_t i = 0; i < count; ++i) {
      m.nps.push_back(order[next + i]);
      used.insert(order[next + i]);
    }
    next += count;
    mapping.nps_needed += static_cast<int>(count);
  }
  mapping.nps_used = static_cast<int>(used.size());
  return mapping;
}

}  // namespace neurokv::passes

#pragma once
// Maps a CNN's layers onto NPs as Akida's MetaTF does (docs/passes.md, "map_cnn"): the dense input layer runs
// on the HRC (no NP); a fully connected layer on one NP (FNP3), or with its weights in external memory
// (FNP2) when they do not fit one; every other layer on CNPs, split into input tiles (its input activations
// over the NPs' input buffers) times filter groups (its output channels over the NPs' weight SRAM). Layers
// that do not fit the chip together run in passes, their weights reloaded every frame (MetaTF's HwPr).
// Mapping modes, by MetaTF's names: Minimal uses as few NPs as the limits allow; AllNps (MetaTF's default)
// splits filters into groups of at most kAllNpsFiltersPerNp and then spreads the layers over the free NPs.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::passes {

enum class MapMode { Minimal, AllNps };

// "minimal" or "allnps"; anything else is an InputError naming `flag` and the words expected.
MapMode parse_map_mode(const std::string& word, const std::string& flag);
const char* to_string(MapMode mode);

// AllNps: the most output channels one NP computes of a layer. Assumed: the published AKD1000 mapping of
// AkidaNet 0.5/224 gives every separable layer one NP per 64 filters of each input tile (BrainChip's Akida
// user guide, `akida run` of akidanet_imagenet_224_alpha_50; docs/passes.md).
constexpr int64_t kAllNpsFiltersPerNp = 64;

// What runs a layer (REFERENCE: BrainChip's NP kinds, docs/sources.md).
enum class LayerEngine {
  Hrc,   // the dense input converter: no NP, every input processed (no zero skipping)
  Cnp,   // convolutional NPs
  Fnp3,  // a fully connected NP with its weights in its SRAM
  Fnp2,  // a fully connected NP streaming its weights from external memory every frame
};
const char* to_string(LayerEngine engine);

struct LayerMapping {
  int layer = 0;  // index into CnnSpec::layers
  LayerEngine engine = LayerEngine::Cnp;
  int64_t input_bytes = 0;       // the layer's input activations
  int64_t weight_bytes = 0;      // its weights and biases
  int spatial_tiles = 1;         // input tiles (bands of rows or columns), each on its own NPs
  int filter_tiles = 1;          // output-channel groups of each input tile
  int pass = 0;                  // the pass it runs in (0 when the model fits the chip at once)
  std::vector<ir::NpCoord> nps;  // tile (s, f) on nps[s × filter_tiles + f]; empty on the HRC
  int np_count() const { return static_cast<int>(nps.size()); }
};

struct CnnMapping {
  MapMode mode = MapMode::AllNps;
  std::vector<LayerMapping> layers;
  int passes = 1;
  int nps_used = 0;    // distinct NPs any pass uses
  int nps_needed = 0;  // the layers' NPs summed over passes (MetaTF's model-level count)
  int nps_total = 0;
  int spread = 1;  // AllNps: the factor every CNP layer's filter groups were multiplied by to fill free NPs
};

// Throws MappingError naming the layer, what it needs and what the chip has when a layer cannot be mapped,
// and InputError when a layer's widths are not the chip's.
CnnMapping map_cnn(const CnnSpec& spec, const HwConfig& hw, MapMode mode);

}  // namespace neurokv::passes

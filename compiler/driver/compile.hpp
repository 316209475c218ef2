#pragma once
// The compiler's entry point: a model and an attention variant, lowered for one chip into an Event IR
// program.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/config/layer_variants.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv {

struct CompileOptions {
  int64_t context = 2048;  // tokens the KV cache is planned for (prompt + generated)
  int weight_bits = 0;     // 0: the widest width the chip supports
  int act_bits = 0;        // 0: the widest width the chip supports
  int kv_bits = 0;         // 0: the narrowest KV width the chip lists ≥ the activation width
  bool fuse_kv = true;     // K=V variants: one KV read feeds both QKᵀ and P·V (online softmax)
};

struct PassTiming {
  std::string name;
  double ms = 0;
};

struct CompileResult {
  ir::Program program;
  std::vector<PassTiming> passes;
  Diagnostics
      diagnostics;  // the passes' notes: decisions worth telling the user (e.g. weights streamed from DRAM)
};

// Runs the frontend and every pass. `variants`: one variant for every layer, or one per layer. Throws
// InputError for options the chip cannot do or variants an imported model was not built with, MappingError
// for a model that cannot be placed (naming the op, what it needs and what the chip has).
CompileResult compile(const ModelSource& model, const LayerVariants& variants, const HwConfig& hw,
                      const CompileOptions& options);

// The front of compile()'s pipeline (frontend, apply_variant, quantize) and what it left: its graph, pass
// times and notes (defined in compile.cpp, so the Graph IR's headers stay there). It reads the model, the
// variants, the options' bit widths and the chip's lists of widths, never the context or a numeric chip key,
// so a sweep makes it once per model and variant and compiles each of their points from it.
struct FrontGraph;
// Throws what compile() throws in those passes.
std::shared_ptr<const FrontGraph> compile_front(const ModelSource& model, const LayerVariants& variants,
                                                const HwConfig& hw, const CompileOptions& options);
// compile() from a copy of `front`, made by compile_front with the same model, variants and bit widths at a
// chip with the same lists of widths: the same result, its front passes' times those of `front`.
CompileResult compile(const ModelSource& model, const FrontGraph& front, const HwConfig& hw,
                      const CompileOptions& options);

// A CNN model lowered for one chip: the CNN frontend, map_cnn's mapping in `map_mode` (`minimal` or
// `allnps`, MetaTF's names; an InputError naming --map-mode otherwise) as tiles, the schedule, the Event IR.
// Throws MappingError naming the model and chip files for a network the chip cannot hold.
CompileResult compile_cnn(const CnnSpec& spec, const HwConfig& hw, const std::string& map_mode);

}  // namespace neurokv

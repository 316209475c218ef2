#pragma once
// The ONNX frontend for CNNs: an ONNX file of a convolutional network (a chain of Conv, BatchNormalization,
// Relu/Clip, pooling and Gemm nodes, as torch.onnx.export writes one) becomes the CnnSpec a CNN model YAML
// gives (docs/models.md, "CNNs") and its real weights with BatchNorm folded in, keyed by the layer names the
// CNN frontend gives its ops, in the layouts docs/executor.md ("CNN weights") fixes. docs/onnx.md, "CNNs",
// lists the patterns recognised and the refusals.
#include <string>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/model_weights.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv {

struct ImportedCnn {
  CnnSpec spec;
  ModelWeights weights;
  Diagnostics diagnostics;  // the widths and density assumed (an ONNX float graph carries none)
};

// Whether the ONNX file at `path` holds a CNN: a Conv node and no Softmax (no attention). Reads only the
// graph's node list (onnx_import::graph_op_types), not its initializers or external data, so a transformer's
// loader pays little for the question; false for a file that cannot be read or parsed (the transformer
// importer reports it).
bool is_onnx_cnn(const std::string& path);

// Throws InputError ("file: node 'name' (OpType): what is wrong, what was expected") for a file that is not
// ONNX, an op or pattern a CNN model cannot say, or shapes that do not agree.
ImportedCnn import_onnx_cnn(const std::string& path);
// The same from the file's bytes (external data is looked up beside `path`).
ImportedCnn import_onnx_cnn_model(const std::string& bytes, const std::string& path);

}  // namespace neurokv

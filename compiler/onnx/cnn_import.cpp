#include "compiler/onnx/cnn_import.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <utility>
#include <vector>

#include "compiler/onnx/batchnorm_fold.hpp"
#include "compiler/onnx/cnn_nodes.hpp"
#include "compiler/onnx/onnx_file.hpp"
#include "compiler/onnx/onnx_graph.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv {
namespace {

using onnx_import::Node;
using onnx_import::OnnxGraph;

// The widths an ONNX float graph does not carry, assumed as the model zoo's YAMLs give them for akida_models'
// i8_w4_a4 binaries (models/ds-cnn-kws.yaml): an 8-bit input and input layer, 4-bit weights and activations.
constexpr int kInputBits = 8;
constexpr int kInputLayerWeightBits = 8;
constexpr int kWeightBits = 4;
constexpr int kActBits = 4;

// A layer's nodes come in this order, each at most once: the convolution (or Gemm), then BatchNorm, then the
// pooling and the activation. Akida pools a layer's potentials before its activation (akida_models' blocks:
// convolution, pooling, BatchNorm, ReLU; docs/onnx.md, "CNNs"), so an activation followed by pooling is taken
// only where the two commute: max pooling after a ReLU, which never decreases.
enum class Stage { Conv, BatchNorm, Pool, Activation, Closed };

struct Layer {
  CnnLayer spec;
  OpWeights weights;          // the convolution's (a separable layer's: its pointwise half's)
  OpWeights depthwise;        // a separable layer's depthwise half, its bias moved into `weights`
  Stage stage = Stage::Conv;  // the last node folded into it
  bool pooled = false, activated = false;
};

// The network's input: the one graph input that is no initializer, [batch, channels, height, width].
std::pair<std::string, Shape3> read_input(const onnx::GraphProto& graph, const std::string& file) {
  std::set<std::string> initializers;
  for (const onnx::TensorProto& tensor : graph.initializer()) initializers.insert(tensor.name());
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const onnx::ValueInfoProto& input : graph.input())
    if (!initializers.count(input.name())) inputs.push_back(&input);
  if (inputs.size() != 1) {
    throw InputError(
        fmt::format("{}: {} graph inputs, expected one (the image, [batch, channels, height, "
                    "width])",
                    file, inputs.size()));
  }
  const onnx::ValueInfoProto& input = *inputs.front();
  const onnx::TensorShapeProto& shape = input.type().tensor_type().shape();
  const auto side = [&shape](int i, int64_t most) {
    const int64_t d = shape.dim(i).dim_value();  // 0 for a named (dynamic) dimension
    return d >= 1 && d <= most ? d : 0;
  };
  if (shape.dim_size() != 4 || !side(1, kCnnMaxChannels) || !side(2, kCnnMaxSide) || !side(3, kCnnMaxSide)) {
    throw InputError(
        fmt::format("{}: input '{}' has {} dimensions, expected 4 ([batch, channels, height, "
                    "width]) with fixed channels (at most {}) and sides (at most {})",
                    file, input.name(), shape.dim_size(), kCnnMaxChannels, kCnnMaxSide));
  }
  return {input.name(), Shape3{side(2, kCnnMaxSide), side(3, kCnnMaxSide), side(1, kCnnMaxChannels)}};
}

// The layer name the CNN model YAMLs use: `conv_0`, `separable_1`, ... `dense_5`.
std::string layer_name(CnnLayerKind kind, std::size_t index) {
  const bool conv = kind == CnnLayerKind::InputConv || kind == CnnLayerKind::Conv2d;
  return fmt::format("{}_{}", conv ? std::string("conv") : to_string(kind), index);
}

// Walks the chain of nodes from the input, one layer per Conv or Gemm/MatMul, folding what follows each.
class CnnReader {
 public:
  CnnReader(const OnnxGraph& graph, Shape3 input) : graph_(graph), shape_(input) {}

  // Returns the tensor the chain ends in.
  std::string read(std::string tensor) {
    for (;;) {
      const std::vector<const Node*> readers = graph_.consumers(tensor);
      if (readers.empty()) break;
      if (readers.size() > 1) {
        throw InputError(
            fmt::format("{}: tensor '{}' is read by {} nodes ('{}', '{}'), expected a chain of "
                        "layers (no branch or skip connection)",
                        graph_.file(), tensor, readers.size(), readers[0]->name(), readers[1]->name()));
      }
      tensor = take(*readers.front(), tensor);
    }
    if (layers_.empty())
      throw InputError(fmt::format("{}: no layer, expected a Conv or Gemm after the input", graph_.file()));
    return tensor;
  }

  std::vector<Layer>& layers() { return layers_; }

 private:
  // Reads `node`, which reads the activations `tensor`; returns the activations after it.
  std::string take(const Node& node, const std::string& tensor) {
    const std::string& op = node.op_type();
    if (op != "Add" && op != "Min" && op != "Max" && node.input(0) != tensor) {
      throw InputError(
          fmt::format("{}: reads the activations as an input other than the first, expected "
                      "them as input 0",
                      graph_.where(node)));
    }
    if (op == "Conv") {
      conv(node);
    } else if (op == "BatchNormalization") {
      batchnorm(node);
    } else if (op == "Relu" || op == "Clip" || op == "Max") {
      activation(node, tensor);
    } else if (op == "Min") {
      upper_bound(node, tensor);
    } else if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") {
      pool(node);
    } else if (op == "Flatten" || op == "Reshape") {
      onnx_import::check_flatten(graph_, node, shape_.elements());
      flat_ = true;
      if (!layers_.empty()) layers_.back().stage = Stage::Closed;  // nothing more folds into it
    } else if (op == "Gemm" || op == "MatMul") {
      return dense(node);
    } else if (op == "Pad") {
      onnx_import::check_zero_pad(graph_, node);
    } else if (op != "Identity" && op != "Dropout") {
      throw InputError(
          fmt::format("{}: op {} is no CNN layer op, expected Conv, BatchNormalization, Relu, "
                      "Clip, Max, Min, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, "
                      "Gemm, MatMul (+ Add), Identity, Dropout or a zero Pad",
                      graph_.where(node), op));
    }
    return node.output(0);
  }

  // The layer `node` folds into at `stage`: the last one, if `allowed` of it (`order` says why not).
  Layer& folding_into(const Node& node, Stage stage, bool (*allowed)(const Layer&), const char* order) {
    if (layers_.empty() || !allowed(layers_.back())) {
      throw InputError(
          fmt::format("{}: {}, expected the order Conv (or Gemm), BatchNormalization, pooling, "
                      "activation, each at most once per layer",
                      graph_.where(node), layers_.empty() ? "comes before any Conv" : order));
    }
    layers_.back().stage = stage;
    return layers_.back();
  }

  void conv(const Node& node) {
    if (flat_) {
      throw InputError(
          fmt::format("{}: a Conv after the activations were flattened, expected only dense "
                      "layers (Gemm, MatMul) after a Flatten or Reshape",
                      graph_.where(node)));
    }
    onnx_import::ConvNode c = onnx_import::read_conv(graph_, node, shape_.channels);
    const int64_t filters = c.weights.weight.dims[0];
    const bool depthwise = c.group > 1 && c.group == shape_.channels && filters == shape_.channels;
    if (c.group > 1 && !depthwise) {
      throw InputError(
          fmt::format("{}: a grouped convolution ({} groups over {} channels, {} filters), "
                      "expected group 1 or group = channels = filters (depthwise)",
                      graph_.where(node), c.group, shape_.channels, filters));
    }
    // A 1x1 convolution right after a depthwise one (through a BatchNorm at most): Akida's separable layer.
    if (c.group == 1 && c.kernel == 1 && c.stride == 1 && !layers_.empty() &&
        layers_.back().spec.kind == CnnLayerKind::Depthwise && layers_.back().stage <= Stage::BatchNorm) {
      Layer& layer = layers_.back();
      layer.depthwise = std::move(layer.weights);
      layer.weights = std::move(c.weights);
      onnx_import::fold_depthwise_bias(layer.weights, layer.depthwise.bias);
      layer.depthwise.bias = FloatTensor{};
      layer.stage = Stage::Conv;
      CnnLayer& l = layer.spec;
      l.kind = CnnLayerKind::Separable;
      l.filters = l.conv_out.channels = l.out.channels = filters;
      l.bias = !layer.weights.bias.values.empty();
      shape_ = l.out;
      return;
    }
    Layer layer;
    CnnLayer& l = layer.spec;
    l.kind = depthwise         ? CnnLayerKind::Depthwise
             : layers_.empty() ? CnnLayerKind::InputConv
             : c.kernel == 1   ? CnnLayerKind::Pointwise
                               : CnnLayerKind::Conv2d;
    l.kernel = c.kernel;
    l.stride = c.stride;
    l.padding = c.padding;
    l.filters = filters;
    l.bias = !c.weights.bias.values.empty();
    l.activation = CnnActivation::None;
    l.in = shape_;
    l.conv_out = Shape3{cnn_output_side(shape_.height, c.kernel, c.stride, c.padding),
                        cnn_output_side(shape_.width, c.kernel, c.stride, c.padding), filters};
    if (l.conv_out.height < 1 || l.conv_out.width < 1) {
      throw InputError(
          fmt::format("{}: a {}x{} kernel without padding over a {}x{} input, expected a kernel "
                      "that fits",
                      graph_.where(node), c.kernel, c.kernel, shape_.height, shape_.width));
    }
    l.out = l.conv_out;
    layer.weights = std::move(c.weights);
    shape_ = l.out;
    layers_.push_back(std::move(layer));
  }

  void batchnorm(const Node& node) {
    Layer& layer = folding_into(
        node, Stage::BatchNorm, [](const Layer& l) { return l.stage == Stage::Conv; },
        "follows an activation, a pooling or another BatchNorm");
    const onnx_import::BatchNorm bn = onnx_import::read_batchnorm(graph_, node, layer.spec.conv_out.channels);
    onnx_import::fold_batchnorm(layer.weights, bn);
    layer.spec.batchnorm = layer.spec.bias = true;
  }

  void activation(const Node& node, const std::string& tensor) {
    Layer& layer = folding_into(
        node, Stage::Activation, [](const Layer& l) { return !l.activated && l.stage != Stage::Closed; },
        "follows another activation");
    layer.activated = true;
    const onnx_import::ActivationNode a = onnx_import::read_activation(graph_, node, tensor);
    layer.spec.activation = a.activation;
    layer.spec.relu_bound = a.bound;
  }

  // A Min right after a ReLU bounds it.
  void upper_bound(const Node& node, const std::string& tensor) {
    if (layers_.empty() || layers_.back().stage != Stage::Activation ||
        layers_.back().spec.activation != CnnActivation::Relu) {
      throw InputError(
          fmt::format("{}: a Min that does not follow a ReLU, expected Relu (or Max with 0) then "
                      "Min with the bound (a bounded ReLU)",
                      graph_.where(node)));
    }
    layers_.back().spec.activation = CnnActivation::BoundedRelu;
    layers_.back().spec.relu_bound = onnx_import::read_upper_bound(graph_, node, tensor);
  }

  void pool(const Node& node) {
    Layer& layer = folding_into(
        node, Stage::Pool, [](const Layer& l) { return !l.pooled && l.stage != Stage::Closed; },
        "follows another pooling");
    layer.pooled = true;
    CnnLayer& l = layer.spec;
    if (l.kind == CnnLayerKind::Dense) {
      throw InputError(
          fmt::format("{}: pools the output of dense layer {}, expected pooling after a "
                      "convolution",
                      graph_.where(node), layers_.size() - 1));
    }
    const onnx_import::PoolNode p = onnx_import::read_pool(graph_, node);
    if (layer.activated && p.pool != CnnPooling::Max) {
      throw InputError(
          fmt::format("{}: averages the output of the activation, which Akida cannot: it pools a "
                      "layer's potentials before its activation; expected the average pooling before "
                      "the ReLU (or max pooling, which commutes with it)",
                      graph_.where(node)));
    }
    l.pool = p.pool;
    l.pool_size = p.size;
    l.pool_stride = p.stride;
    if (p.pool == CnnPooling::GlobalAvg) {
      l.out.height = l.out.width = 1;
    } else {
      l.out.height = cnn_output_side(l.conv_out.height, p.size, p.stride, CnnPadding::Valid);
      l.out.width = cnn_output_side(l.conv_out.width, p.size, p.stride, CnnPadding::Valid);
      if (l.out.height < 1 || l.out.width < 1) {
        throw InputError(fmt::format("{}: a {}x{} window over a {}x{} map, expected a window that fits",
                                     graph_.where(node), p.size, p.size, l.conv_out.height,
                                     l.conv_out.width));
      }
    }
    shape_ = l.out;
  }

  // A Gemm, or a MatMul and the Add of its bias: returns the activations after them.
  std::string dense(const Node& node) {
    if (!flat_) {
      throw InputError(
          fmt::format("{}: reads the {}x{}x{} activation map unflattened, expected a Flatten "
                      "or Reshape to [batch, {}] before it",
                      graph_.where(node), shape_.height, shape_.width, shape_.channels, shape_.elements()));
    }
    Layer layer;
    layer.weights = onnx_import::read_dense(graph_, node, shape_.elements());
    std::string out = node.output(0);
    const int64_t units = layer.weights.weight.dims[0];
    const std::vector<const Node*> readers = graph_.consumers(out);
    if (node.op_type() == "MatMul" && readers.size() == 1 && readers.front()->op_type() == "Add") {
      if (std::optional<FloatTensor> bias =
              onnx_import::read_dense_bias(graph_, *readers.front(), out, units)) {
        layer.weights.bias = std::move(*bias);
        out = readers.front()->output(0);
      }
    }
    CnnLayer& l = layer.spec;
    l.kind = CnnLayerKind::Dense;
    l.filters = units;
    l.bias = !layer.weights.bias.values.empty();
    l.activation = CnnActivation::None;
    l.in = shape_;
    l.conv_out = l.out = Shape3{1, 1, units};
    shape_ = l.out;
    layers_.push_back(std::move(layer));
    return out;
  }

  const OnnxGraph& graph_;
  Shape3 shape_;       // the activations after what was read so far
  bool flat_ = false;  // flattened: only dense layers follow
  std::vector<Layer> layers_;
};

}  // namespace

bool is_onnx_cnn(const std::string& path) {
  const std::optional<std::vector<std::string>> ops = onnx_import::graph_op_types(path);
  if (!ops) return false;
  bool conv = false;
  for (const std::string& op : *ops) {
    if (op == "Softmax") return false;  // attention: a transformer
    conv = conv || op == "Conv";
  }
  return conv;
}

ImportedCnn import_onnx_cnn(const std::string& path) {
  return import_onnx_cnn_model(read_whole_file(path, "an ONNX model"), path);
}

ImportedCnn import_onnx_cnn_model(const std::string& bytes, const std::string& path) {
  const onnx::ModelProto proto = onnx_import::parse_onnx_model(bytes, path);
  const OnnxGraph graph(proto, path);
  const auto [input, shape] = read_input(proto.graph(), path);
  CnnReader reader(graph, shape);
  const std::string end = reader.read(input);
  // A graph whose output nothing writes (a node dropped or renamed after the last layer) is refused, not
  // read as the shorter network the chain happens to be.
  const auto& outputs = proto.graph().output();
  if (outputs.size() != 1 || outputs[0].name() != end) {
    throw InputError(
        fmt::format("{}: the chain of layers ends in tensor '{}', expected it to be the graph's one "
                    "output{}",
                    path, end, outputs.empty() ? "" : fmt::format(" ('{}')", outputs[0].name())));
  }

  ImportedCnn imported;
  CnnSpec& spec = imported.spec;
  spec.name = std::filesystem::path(path).stem().string();
  spec.file = path;
  spec.source = fmt::format("ONNX file {}", std::filesystem::path(path).filename().string());
  spec.input = shape;
  spec.input_bits = kInputBits;
  int in_bits = spec.input_bits;
  for (Layer& layer : reader.layers()) {
    CnnLayer& l = layer.spec;
    const bool first = spec.layers.empty();
    l.name = layer_name(l.kind, spec.layers.size());
    l.weight_bits = l.kind == CnnLayerKind::InputConv ? kInputLayerWeightBits : kWeightBits;
    l.act_bits = kActBits;
    l.in_bits = in_bits;
    l.input_density = first ? 1.0 : spec.activation_density;
    in_bits = l.act_bits;
    if (l.kind == CnnLayerKind::Separable)
      imported.weights[l.name + ".depthwise"] = std::move(layer.depthwise);
    imported.weights[l.name] = std::move(layer.weights);
    spec.layers.push_back(std::move(l));
  }
  imported.diagnostics.push_back(Diagnostic::note(fmt::format(
      "{}: an ONNX float graph carries no bit widths; assumed Akida's i8_w4_a4 (as models/ds-cnn-kws.yaml): "
      "{}-bit input, {}-bit weights in the input layer and {}-bit elsewhere, {}-bit activations; activation "
      "density {} (assumed)",
      path, kInputBits, kInputLayerWeightBits, kWeightBits, kActBits, spec.activation_density)));
  return imported;
}

}  // namespace neurokv

#pragma once
// A convolutional network as a CNN model YAML describes it (`network: cnn`, a layer list; docs/models.md,
// "CNNs"): the layers of BrainChip's Akida model zoo, with their shapes inferred from the input. BatchNorm is
// folded into the weights (its scale into each filter, its shift into the bias), as Akida runs it; pooling is
// part of the layer it follows, as an Akida NP pools what it computes.
#include <cstdint>
#include <string>
#include <vector>

namespace neurokv {

enum class CnnLayerKind {
  InputConv,  // the dense input layer: a convolution on Akida's HRC, which does not skip zeros
  Conv2d,     // k×k convolution over every input channel
  Depthwise,  // k×k convolution of each channel on its own
  Pointwise,  // 1×1 convolution
  Separable,  // depthwise k×k then pointwise 1×1 on the same NPs (Akida's SeparableConvolutional)
  Dense,      // fully connected over the flattened input
};
// The largest side, channel count and kernel a model may declare: far above any Akida model, they refuse
// absurd networks before anything is sized from them (the Event IR holds a program's CNN ops to them too).
constexpr int64_t kCnnMaxSide = 1 << 14;
constexpr int64_t kCnnMaxChannels = 1 << 16;
constexpr int kCnnMaxKernel = 31;

enum class CnnPadding { Same, Valid };
enum class CnnPooling { None, Max, Avg, GlobalAvg };
enum class CnnActivation { None, Relu, BoundedRelu };

// Height × width × channels of an activation map (a dense layer's output: 1 × 1 × units).
struct Shape3 {
  int64_t height = 0, width = 0, channels = 0;
  int64_t elements() const { return height * width * channels; }
};

struct CnnLayer {
  std::string name;
  CnnLayerKind kind = CnnLayerKind::Conv2d;
  int kernel = 1;
  int stride = 1;
  CnnPadding padding = CnnPadding::Same;
  int64_t filters = 0;     // output channels (depthwise: its input channels)
  bool bias = true;        // a bias per output channel (a folded BatchNorm's shift lands here)
  bool batchnorm = false;  // a BatchNorm followed it in training, folded into the weights and bias
  CnnActivation activation = CnnActivation::Relu;
  double relu_bound = 0;  // bounded ReLU: the largest output
  CnnPooling pool = CnnPooling::None;
  int pool_size = 0, pool_stride = 0;  // max and average pooling
  int weight_bits = 4;
  int act_bits = 4;  // width of its output activations
  int in_bits = 0;   // width of its input activations: the previous layer's act_bits, or the input's
  // Fraction of its input activations that are non-zero (its events): the layer's `input_density` when a
  // measurement gives one per layer, else the model's activation_density; 1 for the first layer, which reads
  // the network's input.
  double input_density = 1.0;
  Shape3 in, conv_out, out;  // input; output before pooling; output
};

struct CnnSpec {
  std::string name;
  std::string file;    // where it was loaded from, for messages
  std::string source;  // where the architecture comes from (the model zoo it copies)
  Shape3 input;
  int input_bits = 8;
  // Fraction of non-zero activations at the input of every layer after the first that gives none of its own
  // (events); assumed unless the model cites a measurement.
  double activation_density = 0.5;
  std::vector<CnnLayer> layers;
};

// Whether the model YAML `name_or_path` names (a path, or a name in `models_dir`) is a CNN: it says
// `network: cnn`. False for a file that cannot be found or read (the transformer loader then reports it).
bool is_cnn_model(const std::string& name_or_path, const std::string& models_dir);
// Loads and checks a CNN model YAML; every problem is an InputError naming file:line:col.
CnnSpec load_cnn_model(const std::string& name_or_path, const std::string& models_dir);
CnnSpec parse_cnn_model(const std::string& yaml_text, const std::string& file);

// The kind's word in the YAML (`separable`).
std::string to_string(CnnLayerKind kind);

// A convolution's or pooling window's output side: 'same' keeps ⌈in / stride⌉, 'valid' fits the kernel inside
// the input (0 when it does not fit).
int64_t cnn_output_side(int64_t in, int kernel, int stride, CnnPadding padding);

// Weight bits one output channel holds (its kernel over the channels it reads, and its bias), and the bits
// every output channel shares (a separable layer's depthwise kernels, which every NP holding a part of the
// layer keeps).
int64_t filter_weight_bits(const CnnLayer& layer);
int64_t shared_weight_bits(const CnnLayer& layer);
// Bytes of all of a layer's weights and biases.
int64_t layer_weight_bytes(const CnnLayer& layer);
// Weights and biases, as Keras counts a layer's trainable parameters (BatchNorm folded away).
int64_t layer_parameters(const CnnLayer& layer);
int64_t parameter_count(const CnnSpec& spec);
// MACs of one frame through the layer with every input non-zero (what a dense engine does).
double layer_dense_macs(const CnnLayer& layer);

}  // namespace neurokv

#include "compiler/config/cnn_spec.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "compiler/config/config_path.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/yaml_choice.hpp"
#include "compiler/support/yaml_fields.hpp"

namespace neurokv {
namespace {

// Bounds that refuse absurd networks before anything is sized from them; far above any Akida model.
constexpr int64_t kMaxCnnLayers = 1024;
constexpr int kMaxStride = 8;
constexpr int kMaxPool = 16;

const Choices<CnnLayerKind> kKinds{
    {"input_conv", CnnLayerKind::InputConv}, {"conv2d", CnnLayerKind::Conv2d},
    {"depthwise", CnnLayerKind::Depthwise},  {"pointwise", CnnLayerKind::Pointwise},
    {"separable", CnnLayerKind::Separable},  {"dense", CnnLayerKind::Dense}};
const Choices<CnnPadding> kPaddings{{"same", CnnPadding::Same}, {"valid", CnnPadding::Valid}};
const Choices<CnnPooling> kPoolings{{"none", CnnPooling::None},
                                    {"max", CnnPooling::Max},
                                    {"avg", CnnPooling::Avg},
                                    {"global_avg", CnnPooling::GlobalAvg}};
const Choices<CnnActivation> kActivations{{"none", CnnActivation::None},
                                          {"relu", CnnActivation::Relu},
                                          {"bounded_relu", CnnActivation::BoundedRelu}};

// Akida's activation and weight widths: 1, 2, 4 or 8 bits.
int read_bits(const YamlMap& map, const char* key, int fallback) {
  if (!map.has(key)) return fallback;
  const int64_t bits = map.integer(key, 1, 8);
  if (bits == 1 || bits == 2 || bits == 4 || bits == 8) return static_cast<int>(bits);
  throw InputError(
      fmt::format("{}: '{}' is {}, expected 1, 2, 4 or 8", map.location(key), map.dotted(key), bits));
}

Shape3 read_input(const YamlMap& top, int& bits) {
  const YamlMap input = top.child("input");
  Shape3 shape{input.integer("height", 1, kCnnMaxSide), input.integer("width", 1, kCnnMaxSide),
               input.integer("channels", 1, kCnnMaxChannels)};
  bits = read_bits(input, "bits", 8);
  input.reject_unknown_keys();
  return shape;
}

// Keys that a layer of this kind does not have are refused rather than ignored.
void refuse_key(const YamlMap& map, const char* key, const CnnLayer& layer, const char* why) {
  if (map.has(key)) {
    throw InputError(fmt::format("{}: layer {} ({}) has no '{}', expected it left out: {}", map.location(key),
                                 layer.name, to_string(layer.kind), key, why));
  }
}

CnnLayer read_layer(const YamlMap& map, const Shape3& in, int in_bits) {
  CnnLayer l;
  l.name = map.text("name");
  if (!map.has("kind")) map.text("kind");  // required: this throws naming the missing key
  l.kind = read_choice(map, "kind", kKinds, CnnLayerKind::Conv2d);
  l.in = in;
  l.in_bits = in_bits;
  const bool dense = l.kind == CnnLayerKind::Dense;
  if (dense) {
    for (const char* key : {"kernel", "stride", "padding", "pool", "pool_size", "pool_stride"})
      refuse_key(map, key, l, "a dense layer reads its whole input");
  } else {
    l.kernel = static_cast<int>(map.integer_or("kernel", 1, 1, kCnnMaxKernel));
    l.stride = static_cast<int>(map.integer_or("stride", 1, 1, kMaxStride));
    l.padding = read_choice(map, "padding", kPaddings, CnnPadding::Same);
  }
  if (l.kind == CnnLayerKind::Pointwise && l.kernel != 1) {
    throw InputError(fmt::format("{}: layer {} is pointwise with kernel {}, expected kernel 1 or no 'kernel'",
                                 map.location("kernel"), l.name, l.kernel));
  }
  if (l.kind == CnnLayerKind::Depthwise) {
    refuse_key(map, "filters", l, "a depthwise layer has one output channel per input channel");
    l.filters = in.channels;
  } else {
    l.filters = map.integer("filters", 1, kCnnMaxChannels);
  }
  l.bias = map.boolean_or("bias", true);
  l.batchnorm = map.boolean_or("batchnorm", false);
  l.activation = read_choice(map, "activation", kActivations, CnnActivation::Relu);
  if (l.activation == CnnActivation::BoundedRelu) {
    l.relu_bound = map.number("relu_bound", 1e-6, 1e9);
  } else {
    refuse_key(map, "relu_bound", l, "only a bounded_relu activation has a bound");
  }
  l.input_density = map.number_or("input_density", -1, 0.0, 1.0);  // resolved by the model: < 0 when absent
  l.weight_bits = read_bits(map, "weight_bits", 4);
  l.act_bits = read_bits(map, "act_bits", 4);
  if (!dense) {
    l.pool = read_choice(map, "pool", kPoolings, CnnPooling::None);
    if (l.pool == CnnPooling::Max || l.pool == CnnPooling::Avg) {
      l.pool_size = static_cast<int>(map.integer("pool_size", 2, kMaxPool));
      l.pool_stride = static_cast<int>(map.integer_or("pool_stride", l.pool_size, 1, kMaxPool));
    } else {
      refuse_key(map, "pool_size", l, "only max and avg pooling have a size");
      refuse_key(map, "pool_stride", l, "only max and avg pooling have a stride");
    }
  }
  map.reject_unknown_keys();

  if (dense) {
    l.conv_out = l.out = Shape3{1, 1, l.filters};
    return l;
  }
  l.conv_out = Shape3{cnn_output_side(in.height, l.kernel, l.stride, l.padding),
                      cnn_output_side(in.width, l.kernel, l.stride, l.padding), l.filters};
  if (l.conv_out.height < 1 || l.conv_out.width < 1) {
    throw InputError(
        fmt::format("{}: layer {}: kernel {} does not fit its {}x{} input with padding 'valid', "
                    "expected a kernel of at most the input's sides or padding 'same'",
                    map.location(), l.name, l.kernel, in.height, in.width));
  }
  l.out = l.conv_out;
  if (l.pool == CnnPooling::GlobalAvg) {
    l.out.height = l.out.width = 1;
  } else if (l.pool != CnnPooling::None) {
    l.out.height = cnn_output_side(l.conv_out.height, l.pool_size, l.pool_stride, CnnPadding::Valid);
    l.out.width = cnn_output_side(l.conv_out.width, l.pool_size, l.pool_stride, CnnPadding::Valid);
    if (l.out.height < 1 || l.out.width < 1) {
      throw InputError(
          fmt::format("{}: layer {}: pool_size {} is larger than its {}x{} output, expected at "
                      "most the output's sides",
                      map.location("pool_size"), l.name, l.pool_size, l.conv_out.height, l.conv_out.width));
    }
  }
  return l;
}

CnnSpec cnn_from_yaml(const YamlMap& top, const std::string& file) {
  CnnSpec spec;
  spec.file = file;
  if (top.text("network") != "cnn") {
    throw InputError(
        fmt::format("{}: 'network' is '{}', expected 'cnn' (a transformer model YAML has no "
                    "'network' key)",
                    top.location("network"), top.text("network")));
  }
  spec.name = top.text("name");
  spec.source = top.text("source");
  spec.input = read_input(top, spec.input_bits);
  spec.activation_density = top.number_or("activation_density", spec.activation_density, 0.0, 1.0);
  const std::vector<YamlMap> items = top.list_items("layers", "layer mappings");
  if (static_cast<int64_t>(items.size()) > kMaxCnnLayers) {
    throw InputError(fmt::format("{}: {} layers, expected at most {}", top.location("layers"), items.size(),
                                 kMaxCnnLayers));
  }
  top.reject_unknown_keys();
  Shape3 shape = spec.input;
  int bits = spec.input_bits;
  std::set<std::string> names;
  for (const YamlMap& item : items) {
    const YamlMap map = item.child(YamlMap::kItemKey);
    CnnLayer layer = read_layer(map, shape, bits);
    if (layer.kind == CnnLayerKind::InputConv && !spec.layers.empty()) {
      throw InputError(
          fmt::format("{}: layer {} is an input_conv after layer {}, expected input_conv only "
                      "as the first layer (the HRC reads the network's input)",
                      map.location("kind"), layer.name, spec.layers.back().name));
    }
    if (spec.layers.empty() && layer.input_density >= 0) {
      throw InputError(
          fmt::format("{}: layer {} is the first layer, expected no 'input_density': it reads "
                      "the network's input, every value of which is an event",
                      map.location("input_density"), layer.name));
    }
    if (spec.layers.empty()) {
      layer.input_density = 1.0;
    } else if (layer.input_density < 0) {
      layer.input_density = spec.activation_density;
    }
    if (!names.insert(layer.name).second) {
      throw InputError(fmt::format("{}: layer name '{}' is used twice, expected unique names",
                                   map.location("name"), layer.name));
    }
    shape = layer.out;
    bits = layer.act_bits;
    spec.layers.push_back(std::move(layer));
  }
  return spec;
}

}  // namespace

bool is_cnn_model(const std::string& name_or_path, const std::string& models_dir) {
  try {
    const YamlMap top = YamlMap::load_file(resolve_config(name_or_path, models_dir, "model"));
    return top.has("network");
  } catch (const InputError&) {
    return false;  // the transformer loader reads it again and says what is wrong
  }
}

CnnSpec load_cnn_model(const std::string& name_or_path, const std::string& models_dir) {
  const std::string path = resolve_config(name_or_path, models_dir, "model");
  return cnn_from_yaml(YamlMap::load_file(path), path);
}

CnnSpec parse_cnn_model(const std::string& yaml_text, const std::string& file) {
  return cnn_from_yaml(YamlMap::load_string(yaml_text, file), file);
}

std::string to_string(CnnLayerKind kind) { return word_of(kKinds, kind); }

int64_t cnn_output_side(int64_t in, int kernel, int stride, CnnPadding padding) {
  if (padding == CnnPadding::Same) return (in + stride - 1) / stride;
  return in < kernel ? 0 : (in - kernel) / stride + 1;
}

int64_t filter_weight_bits(const CnnLayer& l) {
  const int64_t k2 = int64_t{l.kernel} * l.kernel;
  const int64_t bias = l.bias ? l.weight_bits : 0;
  switch (l.kind) {
    case CnnLayerKind::InputConv:
    case CnnLayerKind::Conv2d:
      return k2 * l.in.channels * l.weight_bits + bias;
    case CnnLayerKind::Depthwise:
      return k2 * l.weight_bits + bias;
    case CnnLayerKind::Pointwise:
    case CnnLayerKind::Separable:
      return l.in.channels * l.weight_bits + bias;
    case CnnLayerKind::Dense:
      return l.in.elements() * l.weight_bits + bias;
  }
  return 0;
}

int64_t shared_weight_bits(const CnnLayer& l) {
  if (l.kind != CnnLayerKind::Separable) return 0;
  return int64_t{l.kernel} * l.kernel * l.in.channels * l.weight_bits;
}

int64_t layer_weight_bytes(const CnnLayer& l) {
  return (shared_weight_bits(l) + filter_weight_bits(l) * l.filters + 7) / 8;
}

int64_t layer_parameters(const CnnLayer& l) {
  const int64_t k2 = int64_t{l.kernel} * l.kernel;
  const int64_t bias = l.bias ? l.filters : 0;
  switch (l.kind) {
    case CnnLayerKind::InputConv:
    case CnnLayerKind::Conv2d:
      return k2 * l.in.channels * l.filters + bias;
    case CnnLayerKind::Depthwise:
      return k2 * l.filters + bias;
    case CnnLayerKind::Pointwise:
      return l.in.channels * l.filters + bias;
    case CnnLayerKind::Separable:
      return k2 * l.in.channels + l.in.channels * l.filters + bias;
    case CnnLayerKind::Dense:
      return l.in.elements() * l.filters + bias;
  }
  return 0;
}

int64_t parameter_count(const CnnSpec& spec) {
  int64_t total = 0;
  for (const CnnLayer& l : spec.layers) total += layer_parameters(l);
  return total;
}

double layer_dense_macs(const CnnLayer& l) {
  const double positions = static_cast<double>(l.conv_out.height) * static_cast<double>(l.conv_out.width);
  const double k2 = static_cast<double>(l.kernel) * l.kernel;
  const double c = static_cast<double>(l.in.channels);
  const double f = static_cast<double>(l.filters);
  switch (l.kind) {
    case CnnLayerKind::InputConv:
    case CnnLayerKind::Conv2d:
      return positions * k2 * c * f;
    case CnnLayerKind::Depthwise:
      return positions * k2 * f;
    case CnnLayerKind::Pointwise:
      return positions * c * f;
    case CnnLayerKind::Separable:
      return positions * k2 * c + positions * c * f;
    case CnnLayerKind::Dense:
      return static_cast<double>(l.in.elements()) * f;
  }
  return 0;
}

}  // namespace neurokv

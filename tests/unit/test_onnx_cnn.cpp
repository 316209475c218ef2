// The ONNX CNN importer (compiler/onnx/cnn_import.hpp) on the fixtures of
// tests/fixtures/make_cnn_onnx_fixtures.py: random-initialised PyTorch equivalents of models/ds-cnn-kws.yaml
// and models/akidanet-vww.yaml, and a model of every other pattern it recognises.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/driver/cnn_source.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/onnx/batchnorm_fold.hpp"
#include "compiler/onnx/cnn_import.hpp"
#include "compiler/onnx/onnx_file.hpp"
#include "compiler/onnx/onnx_graph.hpp"
#include "compiler/support/whole_file.hpp"
#include "simulator/functional/cnn_executor.hpp"
#include "tests/e2e/cli_runner.hpp"
#include "tests/unit/compile_fixtures.hpp"
#include "tests/unit/onnx_fixtures.hpp"

using namespace neurokv;

namespace {

using test::kOnnxFixtures;

CnnSource cnn_fixture(const std::string& name) { return load_cnn_source(kOnnxFixtures + name + ".onnx", ""); }

// The raw graph of a fixture, to read the numbers the importer folded.
struct RawGraph {
  explicit RawGraph(const std::string& name)
      : path(kOnnxFixtures + name + ".onnx"),
        proto(onnx_import::parse_onnx_model(read_whole_file(path), path)),
        graph(proto, path) {}

  // Input `index` of the `nth` node of `op` (0-based), as constant values.
  FloatTensor input(const std::string& op, int nth, int index) const {
    for (const onnx_import::Node* node : graph.nodes()) {
      if (node->op_type() == op && nth-- == 0) return *graph.constant(node->input(index));
    }
    FAIL("no such node");
    return {};
  }
  float epsilon(int nth) const {
    for (const onnx_import::Node* node : graph.nodes()) {
      if (node->op_type() != "BatchNormalization" || nth-- != 0) continue;
      for (const onnx::AttributeProto& a : node->attribute())
        if (a.name() == "epsilon") return a.f();
    }
    return 1e-5F;
  }

  std::string path;
  onnx::ModelProto proto;
  onnx_import::OnnxGraph graph;
};

// BatchNorm `nth`'s scale γ / √(var + ε) and shift β − mean · scale of channel `c`.
std::pair<double, double> bn_channel(const RawGraph& raw, int nth, int c) {
  const double gain = raw.input("BatchNormalization", nth, 1).values[c];
  const double shift = raw.input("BatchNormalization", nth, 2).values[c];
  const double mean = raw.input("BatchNormalization", nth, 3).values[c];
  const double variance = raw.input("BatchNormalization", nth, 4).values[c];
  const double scale = gain / std::sqrt(variance + raw.epsilon(nth));
  return {scale, shift - mean * scale};
}

void check_same_layer(const CnnLayer& got, const CnnLayer& want) {
  INFO(want.name);
  CHECK(got.name == want.name);
  CHECK(got.kind == want.kind);
  CHECK(got.kernel == want.kernel);
  CHECK(got.stride == want.stride);
  CHECK(got.padding == want.padding);
  CHECK(got.filters == want.filters);
  CHECK(got.bias == want.bias);
  CHECK(got.batchnorm == want.batchnorm);
  CHECK(got.activation == want.activation);
  CHECK(got.relu_bound == want.relu_bound);
  CHECK(got.pool == want.pool);
  CHECK(got.pool_size == want.pool_size);
  CHECK(got.pool_stride == want.pool_stride);
  CHECK(got.weight_bits == want.weight_bits);
  CHECK(got.act_bits == want.act_bits);
  CHECK(got.in_bits == want.in_bits);
  CHECK(got.input_density == want.input_density);
  for (const auto& [g, w] :
       {std::pair{got.in, want.in}, {got.conv_out, want.conv_out}, {got.out, want.out}}) {
    CHECK(g.height == w.height);
    CHECK(g.width == w.width);
    CHECK(g.channels == w.channels);
  }
}

void check_dims(const ModelWeights& weights, const std::string& op, std::vector<int64_t> weight,
                std::vector<int64_t> bias) {
  INFO(op);
  REQUIRE(weights.count(op) == 1);
  CHECK(weights.at(op).weight.dims == weight);
  CHECK(weights.at(op).bias.dims == bias);
  int64_t numel = 1;
  for (int64_t d : weight) numel *= d;
  CHECK(weights.at(op).weight.numel() == numel);
}

// The reference input (NCHW, each value a byte / 255) as the one HWC frame of bytes the executor reads.
functional::CnnFrames reference_frame(const std::vector<float>& nchw, const Shape3& shape) {
  functional::CnnFrames frames{shape, std::vector<uint8_t>(static_cast<std::size_t>(shape.elements())),
                               "reference"};
  for (int64_t c = 0; c < shape.channels; ++c)
    for (int64_t y = 0; y < shape.height; ++y)
      for (int64_t x = 0; x < shape.width; ++x)
        frames.pixels[static_cast<std::size_t>((y * shape.width + x) * shape.channels + c)] =
            static_cast<uint8_t>(
                std::lround(nchw[static_cast<std::size_t>((c * shape.height + y) * shape.width + x)] * 255));
  return frames;
}

}  // namespace

TEST_CASE(
    "executed in float, the imported weights compute PyTorch's output: layouts, BatchNorm and depthwise-bias "
    "folding, pooling before the activation") {
  for (const char* name : {"ds-cnn-kws", "cnn-patterns"}) {
    INFO(name);
    std::ifstream in(kOnnxFixtures + name + ".output.json");
    const nlohmann::json reference = nlohmann::json::parse(in);
    const CnnSource imported = cnn_fixture(name);
    const ir::Program program = compile_cnn(imported.spec, test::chip("akd1500-like"), "allnps").program;
    const functional::CnnExecution run = functional::execute_cnn(
        program, *imported.weights,
        reference_frame(reference["input"].get<std::vector<float>>(), imported.spec.input),
        functional::Numerics::Float);
    const std::vector<float> want = reference["output"].get<std::vector<float>>();
    REQUIRE(run.outputs.at(0).size() == want.size());
    double largest = 0;
    for (float v : want) largest = std::max(largest, std::fabs(double{v}));
    CHECK(largest > 0.1);  // the outputs are not all near zero
    for (std::size_t i = 0; i < want.size(); ++i)
      CHECK(run.outputs[0][i] == Approx(want[i]).margin(1e-5 * largest));
  }
}

TEST_CASE("the imported DS-CNN fixture is models/ds-cnn-kws.yaml layer by layer") {
  const CnnSource imported = cnn_fixture("ds-cnn-kws");
  const CnnSpec yaml = test::cnn_model("ds-cnn-kws");
  CHECK(imported.spec.name == yaml.name);
  CHECK(imported.spec.input.height == 49);
  CHECK(imported.spec.input.width == 10);
  CHECK(imported.spec.input.channels == 1);
  CHECK(imported.spec.input_bits == yaml.input_bits);
  CHECK(imported.spec.activation_density == yaml.activation_density);
  REQUIRE(imported.spec.layers.size() == yaml.layers.size());
  for (std::size_t i = 0; i < yaml.layers.size(); ++i)
    check_same_layer(imported.spec.layers[i], yaml.layers[i]);
  // Keras' count of the same network (akida_examples plot_2_ds_cnn_kws): 22,753, in the spec and the tensors.
  CHECK(parameter_count(imported.spec) == 22753);
  CHECK(parameter_count(*imported.weights) == 22753);
  REQUIRE(imported.diagnostics.size() == 1);
  CHECK_THAT(imported.diagnostics.front().message, Catch::Contains("assumed Akida's i8_w4_a4") &&
                                                       Catch::Contains("activation density 0.5 (assumed)"));
}

TEST_CASE("the imported DS-CNN's weights have the contract's shapes") {
  const CnnSource imported = cnn_fixture("ds-cnn-kws");
  const ModelWeights& w = *imported.weights;
  CHECK(w.size() == 10);  // conv_0, four separable layers of two entries, dense_5
  check_dims(w, "conv_0", {64, 1, 5, 5}, {64});
  for (int i = 1; i <= 4; ++i) {
    check_dims(w, "separable_" + std::to_string(i) + ".depthwise", {64, 1, 3, 3}, {});
    check_dims(w, "separable_" + std::to_string(i), {64, 64, 1, 1}, {64});
  }
  check_dims(w, "dense_5", {33, 64}, {33});
}

TEST_CASE("a BatchNorm is folded into the conv before it: scale into each filter, shift into the bias") {
  // Hand computation on channel 5 (and every channel whose gain is negative) of DS-CNN's conv_0, from the
  // numbers in the file: w' = w · γ/√(var + ε), b' = β − mean · γ/√(var + ε) (the conv has no bias of its
  // own).
  const RawGraph raw("ds-cnn-kws");
  const FloatTensor conv = raw.input("Conv", 0, 1);
  const CnnSource imported = cnn_fixture("ds-cnn-kws");
  const OpWeights& folded = imported.weights->at("conv_0");
  const FloatTensor gains = raw.input("BatchNormalization", 0, 1);
  int negative = 0;
  for (int c = 0; c < 64; ++c) {
    if (c != 5 && gains.values[c] >= 0) continue;
    negative += gains.values[c] < 0;
    const auto [scale, shift] = bn_channel(raw, 0, c);
    CHECK(scale != Approx(1).epsilon(0.05));  // the fixture's statistics are far from the identity
    for (int i = 0; i < 25; ++i)
      CHECK(folded.weight.values[c * 25 + i] == Approx(conv.values[c * 25 + i] * scale).epsilon(1e-6));
    CHECK(folded.bias.values[c] == Approx(shift).epsilon(1e-6));
  }
  CHECK(negative > 0);
}

TEST_CASE("fold_batchnorm and fold_depthwise_bias on literal numbers") {
  OpWeights conv{{{1, 1, 1, 2}, {1.0F, 2.0F}}, {{1}, {0.5F}}};
  // γ = 3 over √(var + ε) = √(3 + 1) = 2: scale 1.5; bias (0.5 − 0.3) · 1.5 + 0.1 = 0.4.
  onnx_import::fold_batchnorm(conv, onnx_import::BatchNorm{{3.0F}, {0.1F}, {0.3F}, {3.0F}, 1.0});
  CHECK(conv.weight.values == std::vector<float>{1.5F, 3.0F});
  CHECK(conv.bias.values.front() == Approx(0.4));
  // No bias of its own: one is made. Pointwise [2][2]: bias + W · (10, 20).
  OpWeights pointwise{{{2, 2, 1, 1}, {1, 2, 3, 4}}, {}};
  onnx_import::fold_depthwise_bias(pointwise, FloatTensor{{2}, {10, 20}});
  CHECK(pointwise.bias.dims == std::vector<int64_t>{2});
  CHECK(pointwise.bias.values == std::vector<float>{50, 110});
}

TEST_CASE(
    "every other pattern imports: biased conv, Clip, max/avg pooling, depthwise, pointwise, valid, separable "
    "with a BatchNorm inside, MatMul + Add") {
  const CnnSource imported = cnn_fixture("cnn-patterns");
  const std::vector<CnnLayer>& l = imported.spec.layers;
  REQUIRE(l.size() == 6);
  CHECK(l[0].kind == CnnLayerKind::InputConv);
  CHECK((l[0].bias && !l[0].batchnorm && l[0].activation == CnnActivation::BoundedRelu &&
         l[0].relu_bound == 6));
  CHECK(
      (l[0].pool == CnnPooling::Max && l[0].pool_size == 2 && l[0].pool_stride == 2 && l[0].out.height == 8));
  CHECK((l[1].kind == CnnLayerKind::Depthwise && l[1].filters == 8 && l[1].batchnorm && l[1].bias));
  CHECK(l[1].activation == CnnActivation::Relu);  // Max with 0
  CHECK((l[2].kind == CnnLayerKind::Pointwise && l[2].filters == 16 && l[2].relu_bound == 0.25));
  CHECK(
      (l[2].pool == CnnPooling::Avg && l[2].pool_size == 2 && l[2].pool_stride == 1 && l[2].out.height == 7));
  CHECK((l[3].kind == CnnLayerKind::Conv2d && l[3].padding == CnnPadding::Valid && l[3].out.height == 5));
  CHECK((l[3].activation == CnnActivation::BoundedRelu && l[3].relu_bound == 0.375));  // Relu, then Min
  CHECK((l[4].kind == CnnLayerKind::Separable && l[4].stride == 2 && l[4].filters == 24 &&
         l[4].out.height == 3));
  CHECK((l[5].kind == CnnLayerKind::Dense && l[5].filters == 10 && l[5].in.elements() == 216 && l[5].bias));
  CHECK((l[0].weight_bits == 8 && l[1].weight_bits == 4 && l[0].in_bits == 8 && l[1].in_bits == 4));

  const ModelWeights& w = *imported.weights;
  check_dims(w, "conv_0", {8, 3, 3, 3}, {8});
  check_dims(w, "depthwise_1", {8, 1, 3, 3}, {8});
  check_dims(w, "pointwise_2", {16, 8, 1, 1}, {16});
  check_dims(w, "conv_3", {16, 16, 3, 3}, {16});
  check_dims(w, "separable_4.depthwise", {16, 1, 3, 3}, {});
  check_dims(w, "separable_4", {24, 16, 1, 1}, {24});
  check_dims(w, "dense_5", {10, 216}, {10});

  const RawGraph raw("cnn-patterns");
  // The MatMul's [216][10] matrix, transposed into [units][in].
  const FloatTensor matmul = raw.input("MatMul", 0, 1);
  CHECK(w.at("dense_5").weight.values[3 * 216 + 100] == matmul.values[100 * 10 + 3]);
  // separable_4: depthwise (no bias) → BatchNorm 2 → pointwise (no bias) → BatchNorm 3. The depthwise
  // BatchNorm's shift reaches the pointwise bias through its weights: b[f] = (Σ_c W[f][c] · shift2[c]) ·
  // scale3[f] + shift3[f].
  const FloatTensor pointwise = raw.input("Conv", 5, 1);
  for (int f : {0, 17}) {
    double sum = 0;
    for (int c = 0; c < 16; ++c) sum += pointwise.values[f * 16 + c] * bn_channel(raw, 2, c).second;
    const auto [scale, shift] = bn_channel(raw, 3, f);
    CHECK(w.at("separable_4").bias.values[f] == Approx(sum * scale + shift).epsilon(1e-5));
    CHECK(w.at("separable_4").weight.values[f * 16 + 7] == Approx(pointwise.values[f * 16 + 7] * scale));
  }
  // The depthwise kernels carry their BatchNorm's scale.
  const FloatTensor depthwise = raw.input("Conv", 4, 1);
  CHECK(w.at("separable_4.depthwise").weight.values[9 * 9 + 4] ==
        Approx(depthwise.values[9 * 9 + 4] * bn_channel(raw, 2, 9).first));
}

TEST_CASE("the AkidaNet 0.25 fixtures (BatchNorms folded by PyTorch) are the VWW and 224 YAMLs' networks") {
  for (const char* name : {"akidanet-vww", "akidanet-0.25-224"}) {
    INFO(name);
    const CnnSource imported = cnn_fixture(name);
    const CnnSpec yaml = test::cnn_model(name);
    CHECK(imported.spec.input.height == yaml.input.height);
    REQUIRE(imported.spec.layers.size() == yaml.layers.size());
    for (std::size_t i = 0; i < yaml.layers.size(); ++i) {
      CnnLayer want = yaml.layers[i];
      want.name = imported.spec.layers[i].name;                    // classifier: dense_14
      want.input_density = imported.spec.layers[i].input_density;  // the YAML's measured density; 0.5 assumed
      check_same_layer(imported.spec.layers[i], want);
    }
    CHECK(imported.spec.layers.back().name == "dense_14");
    CHECK(parameter_count(*imported.weights) == parameter_count(yaml));
  }
}

TEST_CASE("an ONNX CNN is told from a transformer by its graph") {
  CHECK(is_cnn_source(kOnnxFixtures + "ds-cnn-kws.onnx", ""));
  CHECK(is_cnn_source(kOnnxFixtures + "bad-cnn-sigmoid.onnx", ""));  // a CNN, refused when imported
  CHECK_FALSE(is_cnn_source(kOnnxFixtures + "qkv.onnx", ""));
  CHECK_FALSE(is_cnn_source(kOnnxFixtures + "llama-fused-split.onnx", ""));
  CHECK_FALSE(is_cnn_source(kOnnxFixtures + "bad-not-onnx.onnx", ""));
  CHECK_FALSE(is_cnn_source(kOnnxFixtures + "no-such.onnx", ""));
  // Only the node list is read, the initializers skipped, yet the file must still be whole to its end.
  const std::optional<std::vector<std::string>> ops =
      onnx_import::graph_op_types(kOnnxFixtures + "ds-cnn-kws.onnx");
  REQUIRE(ops);
  CHECK(ops->size() == static_cast<std::size_t>(RawGraph("ds-cnn-kws").proto.graph().node_size()));
  CHECK(ops->front() == "Conv");
  CHECK(ops->back() == "Gemm");
  const std::string bytes = read_whole_file(kOnnxFixtures + "ds-cnn-kws.onnx");
  const std::string cut = "/tmp/neurokv-test-cut-cnn.onnx";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 100);
  CHECK_FALSE(onnx_import::graph_op_types(cut));
  CHECK_FALSE(is_cnn_source(cut, ""));
  std::remove(cut.c_str());
}

TEST_CASE("estimate of the DS-CNN fixture prints the YAML's report byte for byte, in both mapping modes") {
  for (const char* mode : {"allnps", "minimal"}) {
    INFO(mode);
    const std::string tail = std::string(" --hw akd1000-like --map-mode ") + mode;
    const test::CliResult onnx = test::run_cli("estimate -m " + kOnnxFixtures + "ds-cnn-kws.onnx" + tail);
    const test::CliResult yaml = test::run_cli("estimate -m ds-cnn-kws" + tail);
    REQUIRE(onnx.exit_code == 0);
    REQUIRE(yaml.exit_code == 0);
    CHECK(onnx.out == yaml.out);
    CHECK_THAT(onnx.err, Catch::Contains("note: ") && Catch::Contains("assumed Akida's i8_w4_a4"));
    const test::CliResult onnx_json =
        test::run_cli("estimate -m " + kOnnxFixtures + "ds-cnn-kws.onnx --json -" + tail);
    const test::CliResult yaml_json = test::run_cli("estimate -m ds-cnn-kws --json -" + tail);
    CHECK(onnx_json.out == yaml_json.out);
  }
}

TEST_CASE("compile takes an ONNX CNN as it takes the YAML, program text and all") {
  const std::string tail = " --hw akd1000-like --map-mode minimal -o -";
  const test::CliResult onnx = test::run_cli("compile -m " + kOnnxFixtures + "ds-cnn-kws.onnx" + tail);
  const test::CliResult yaml = test::run_cli("compile -m ds-cnn-kws" + tail);
  REQUIRE(onnx.exit_code == 0);
  CHECK(onnx.out == yaml.out);
  CHECK_THAT(onnx.out, Catch::Contains("separable_4"));
  CHECK_THAT(onnx.err, Catch::Contains("assumed Akida's i8_w4_a4"));
}

namespace {

onnx::TensorProto float_tensor(const std::string& name, std::vector<int64_t> dims,
                               std::vector<float> values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t.add_dims(d);
  for (float v : values) t.add_float_data(v);
  return t;
}

onnx::NodeProto* add_node(onnx::GraphProto& graph, const std::string& op, std::vector<std::string> inputs,
                          const std::string& output) {
  onnx::NodeProto* node = graph.add_node();
  node->set_op_type(op);
  node->set_name(op);
  for (const std::string& input : inputs) node->add_input(input);
  node->add_output(output);
  return node;
}

}  // namespace

TEST_CASE(
    "older and other export forms: auto_pad SAME_UPPER, Clip bounds as attributes, Gemm without transB") {
  // input [1, 2, 5, 5] → Conv 3x3/2 auto_pad SAME_UPPER, 4 filters → Clip(min 0, max 6 as attributes, opset
  // 10's form) → Flatten → Gemm with B stored [in][units] (transB 0).
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(10);
  onnx::GraphProto& graph = *model.mutable_graph();
  onnx::ValueInfoProto* input = graph.add_input();
  input->set_name("x");
  auto* shape = input->mutable_type()->mutable_tensor_type()->mutable_shape();
  for (int64_t d : {1, 2, 5, 5}) shape->add_dim()->set_dim_value(d);
  graph.add_output()->set_name("y");
  std::vector<float> kernel(4 * 2 * 9);
  for (std::size_t i = 0; i < kernel.size(); ++i) kernel[i] = 0.01F * static_cast<float>(i);
  *graph.add_initializer() = float_tensor("w", {4, 2, 3, 3}, kernel);
  std::vector<float> matrix(36 * 3);  // [in 4·3·3][units 3]: element (i, u) = i + 100 u
  for (int i = 0; i < 36; ++i)
    for (int u = 0; u < 3; ++u) matrix[i * 3 + u] = static_cast<float>(i + 100 * u);
  *graph.add_initializer() = float_tensor("b", {36, 3}, matrix);
  onnx::NodeProto* conv = add_node(graph, "Conv", {"x", "w"}, "c");
  onnx::AttributeProto* auto_pad = conv->add_attribute();
  auto_pad->set_name("auto_pad");
  auto_pad->set_type(onnx::AttributeProto::STRING);
  auto_pad->set_s("SAME_UPPER");
  onnx::AttributeProto* strides = conv->add_attribute();
  strides->set_name("strides");
  strides->set_type(onnx::AttributeProto::INTS);
  strides->add_ints(2);
  strides->add_ints(2);
  onnx::NodeProto* clip = add_node(graph, "Clip", {"c"}, "r");
  for (const auto& [name, value] : {std::pair{"min", 0.0F}, std::pair{"max", 6.0F}}) {
    onnx::AttributeProto* a = clip->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
  }
  add_node(graph, "Flatten", {"r"}, "f");
  add_node(graph, "Gemm", {"f", "b"}, "y");

  const ImportedCnn imported = import_onnx_cnn_model(model.SerializeAsString(), "tiny.onnx");
  const std::vector<CnnLayer>& l = imported.spec.layers;
  REQUIRE(l.size() == 2);
  CHECK((l[0].kind == CnnLayerKind::InputConv && l[0].padding == CnnPadding::Same && l[0].stride == 2));
  CHECK((l[0].conv_out.height == 3 && l[0].conv_out.width == 3 && l[0].conv_out.channels == 4));
  CHECK((l[0].activation == CnnActivation::BoundedRelu && l[0].relu_bound == 6 && !l[0].bias));
  CHECK((l[1].kind == CnnLayerKind::Dense && l[1].filters == 3 && l[1].in.elements() == 36 && !l[1].bias));
  const OpWeights& dense = imported.weights.at("dense_1");
  CHECK(dense.weight.dims == std::vector<int64_t>{3, 36});
  CHECK(dense.weight.values[2 * 36 + 7] == 207);  // (u 2, i 7) = 7 + 100 · 2: transposed into [units][in]
  CHECK(imported.weights.at("conv_0").weight.values == kernel);
  CHECK(imported.weights.at("conv_0").bias.values.empty());
}

TEST_CASE("an ONNX CNN's own weights measure its events: estimate with --frames or --events measured, exec") {
  const std::string model = kOnnxFixtures + "ds-cnn-kws.onnx";
  const std::string frames = "/tmp/neurokv-test-onnx-cnn.frames";
  {
    std::ofstream out(frames, std::ios::binary);
    for (int i = 0; i < 2 * 49 * 10; ++i) out.put(static_cast<char>(i * 37 % 256));  // two 49x10x1 frames
  }
  const test::CliResult measured =
      test::run_cli("estimate -m " + model + " --hw akd1500-like --frames " + frames);
  REQUIRE(measured.exit_code == 0);
  CHECK_THAT(measured.out, Catch::Contains("MEASURED by int execution of") &&
                               Catch::Contains("with the weights of " + model) &&
                               Catch::Contains("(2 frames)"));
  // Without an input, --events auto keeps the assumed densities: the YAML's report.
  const test::CliResult assumed = test::run_cli("estimate -m " + model + " --hw akd1500-like");
  const test::CliResult yaml = test::run_cli("estimate -m ds-cnn-kws --hw akd1500-like");
  CHECK(assumed.out == yaml.out);
  CHECK(measured.out != assumed.out);
  const test::CliResult synthetic_frames =
      test::run_cli("estimate -m " + model + " --hw akd1500-like --events measured");
  REQUIRE(synthetic_frames.exit_code == 0);
  CHECK_THAT(synthetic_frames.out, Catch::Contains("8 synthetic frames"));

  const test::CliResult exec = test::run_cli("exec -m " + model + " --hw akd1500-like --frames " + frames);
  REQUIRE(exec.exit_code == 0);
  CHECK_THAT(exec.out, Catch::Contains("the weights of " + model) && Catch::Contains("separable_4"));

  const test::CliResult refused = test::run_cli("estimate -m " + model + " --synthetic-weights 1");
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("carries its own weights"));
  std::remove(frames.c_str());
}

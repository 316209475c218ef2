#pragma once
// The committed ONNX fixtures (tests/fixtures/onnx/: made by tests/fixtures/make_*onnx_fixtures.py), which
// the importer, executor and weights tests share.
#include <string>

#include "compiler/driver/model_source.hpp"

namespace neurokv::test {

inline const std::string kOnnxFixtures = std::string(NEUROKV_SOURCE_DIR) + "/tests/fixtures/onnx/";

inline ModelSource onnx_fixture(const std::string& name) {
  return load_model_source(kOnnxFixtures + name + ".onnx", "");
}

}  // namespace neurokv::test

#pragma once
// Models and chips the compiler tests share, loaded from the repository's models/ and hwconfigs/.
#include <string>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/config/model_spec.hpp"

namespace neurokv::test {

inline ModelSpec model(const std::string& name) {
  return load_model(name, std::string(NEUROKV_SOURCE_DIR) + "/models");
}

inline CnnSpec cnn_model(const std::string& name) {
  return load_cnn_model(name, std::string(NEUROKV_SOURCE_DIR) + "/models");
}

inline HwConfig chip(const std::string& name) {
  return load_hw(name, std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs");
}

}  // namespace neurokv::test

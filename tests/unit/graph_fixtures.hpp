#pragma once
// A one-layer model small enough to read its whole graph text in a test, and a line matcher for golden
// checks.
#include <sstream>
#include <string>

#include "compiler/config/model_spec.hpp"

namespace neurokv::test {

inline ModelSpec one_layer() {
  return parse_model(
      "name: one\nlayers: 1\nd_model: 64\nheads: 2\nhead_dim: 32\nmlp_hidden: 256\nvocab: 128\n"
      "max_positions: 64\nkv_groups: 1\n",
      "one.yaml");
}

// The graph text has this exact line.
inline bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

// The text has a line starting with `prefix`.
inline bool has_line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace neurokv::test

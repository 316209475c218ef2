#pragma once
// A key whose value is one word of a fixed set (`norm: rmsnorm`, `kind: separable`): the words and the enum
// values they mean, read through YamlMap so a wrong word names the file, the place and the words expected.
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "compiler/support/error.hpp"
#include "compiler/support/yaml_fields.hpp"

namespace neurokv {

template <class E>
using Choices = std::vector<std::pair<const char*, E>>;

// The word of `value` in its table ("?" for a value without one; every table lists all of its enum's values).
template <class E>
std::string word_of(const Choices<E>& choices, E value) {
  for (const auto& [name, v] : choices) {
    if (v == value) return name;
  }
  return "?";
}

// One of a fixed set of words, or `fallback` when the key is absent; anything else names the key, the word
// and the words expected.
template <class E>
E read_choice(const YamlMap& map, const char* key, const Choices<E>& choices, E fallback) {
  if (!map.has(key)) return fallback;
  const std::string word = map.text(key);
  std::string expected;
  for (const auto& [name, value] : choices) {
    if (word == name) return value;
    expected += fmt::format("{}'{}'", expected.empty() ? "" : ", ", name);
  }
  throw InputError(fmt::format("{}: {} '{}' is not supported, expected one of {}", map.location(key), key,
                               word, expected));
}

}  // namespace neurokv

#include "compiler/config/attention_variant.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "compiler/support/error.hpp"
#include "compiler/support/nearest_name.hpp"

namespace neurokv {
namespace {

constexpr const char* kNames = "QKV, Q-K=V, Q=K-V, Q=K=V, GQA-<g>, MQA, Q-GQA-<g>, Q-MQA";

std::string trim(const std::string& text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

int parse_groups(const std::string& variant, const std::string& digits, int heads) {
  if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) {
    throw InputError(
        fmt::format("variant '{}': '{}' is not a group count, expected a positive integer g "
                    "dividing the {} heads",
                    variant, digits, heads));
  }
  const int groups = std::stoi(digits);
  if (groups < 1 || groups > heads || heads % groups != 0) {
    throw InputError(
        fmt::format("variant '{}': g = {} does not divide the model's {} heads, expected a divisor "
                    "of {}",
                    variant, groups, heads, heads));
  }
  return groups;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// The names a typo is compared with; a group count the user typed is kept ("GQA4" -> "GQA-4").
std::vector<std::string> name_candidates(const std::string& text) {
  const std::size_t digits = text.find_first_of("0123456789");
  const std::string g = digits == std::string::npos ? "<g>" : text.substr(digits);
  return {"QKV", "Q-K=V", "Q=K-V", "Q=K=V", "GQA-" + g, "MQA", "Q-GQA-" + g, "Q-MQA", "all"};
}

}  // namespace

AttentionVariant AttentionVariant::parse(const std::string& raw, int heads, int model_kv_heads) {
  // Names are read without case: "qkv" is QKV, "gqa-4" is GQA-4 (reports print the paper's spelling).
  const std::string text = upper(trim(raw));
  const int g = model_kv_heads > 0 ? model_kv_heads : heads;
  const auto grouped = [&](Kind kind, Kind single) -> AttentionVariant {
    if (g == heads) return {kind == Kind::GQA ? Kind::QKV : Kind::Q_KeqV, heads, heads};
    return {g == 1 ? single : kind, heads, g};
  };
  if (text == "QKV") return grouped(Kind::GQA, Kind::MQA);
  if (text == "Q-K=V") return grouped(Kind::Q_GQA, Kind::Q_MQA);
  if (text == "Q=K-V" || text == "Q=K=V") {
    if (g != heads) {
      throw InputError(fmt::format(
          "{} ties the queries to the keys, which needs as many key heads as query heads; the model has {} "
          "query heads and {} key/value heads, expected a model without grouped keys (or QKV, Q-K=V, "
          "GQA-<g>, "
          "Q-GQA-<g>, MQA, Q-MQA)",
          text, heads, g));
    }
    return {text == "Q=K-V" ? Kind::QeqK_V : Kind::QeqKeqV, heads, heads};
  }
  if (text == "MQA") return {Kind::MQA, heads, 1};
  if (text == "Q-MQA") return {Kind::Q_MQA, heads, 1};
  if (text.rfind("Q-GQA-", 0) == 0) return {Kind::Q_GQA, heads, parse_groups(text, text.substr(6), heads)};
  if (text.rfind("GQA-", 0) == 0) return {Kind::GQA, heads, parse_groups(text, text.substr(4), heads)};
  throw InputError(fmt::format("unknown attention variant '{}'{}, expected one of: {}, or all", trim(raw),
                               did_you_mean(trim(raw), name_candidates(trim(raw))), kNames));
}

std::vector<AttentionVariant> AttentionVariant::parse_list(const std::string& text, int heads,
                                                           int default_groups, int model_kv_heads) {
  if (is_all(text) && model_kv_heads > 0 && model_kv_heads < heads) {
    std::vector<std::string> names = {"QKV", "Q-K=V", "MQA", "Q-MQA"};
    if (default_groups > 0)
      names.insert(names.end(),
                   {"GQA-" + std::to_string(default_groups), "Q-GQA-" + std::to_string(default_groups)});
    std::vector<AttentionVariant> all;
    for (const std::string& name : names) {
      const AttentionVariant v = parse(name, heads, model_kv_heads);
      if (std::find(all.begin(), all.end(), v) == all.end()) all.push_back(v);
    }
    return all;
  }
  if (is_all(text)) {
    // Without a group count (a model YAML with no kv_groups) "all" is the six variants that need none.
    const std::string g = std::to_string(default_groups);
    std::vector<std::string> names = {"QKV", "Q-K=V", "Q=K-V", "Q=K=V", "MQA", "Q-MQA"};
    if (default_groups > 0) {
      names.insert(names.begin() + 4, "GQA-" + g);
      names.insert(names.begin() + 6, "Q-GQA-" + g);
    }
    std::vector<AttentionVariant> all;
    for (const std::string& name : names) all.push_back(parse(name, heads));
    return all;
  }
  std::vector<AttentionVariant> out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = text.find(',', begin);
    const std::string item =
        text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    if (trim(item).empty()) {
      throw InputError(
          fmt::format("variant list '{}' has an empty entry, expected names separated by commas: {}, or all",
                      text, kNames));
    }
    if (is_all(item)) {
      throw InputError(
          fmt::format("variant list '{}' names 'all' beside other variants, expected 'all' alone "
                      "or a list of names: {}",
                      text, kNames));
    }
    AttentionVariant variant = parse(item, heads, model_kv_heads);
    for (const auto& existing : out) {
      if (existing == variant) {
        throw InputError(fmt::format("variant list '{}' names {} twice, expected each variant once", text,
                                     variant.name()));
      }
    }
    out.push_back(variant);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return out;
}

bool AttentionVariant::is_all(const std::string& text) { return upper(trim(text)) == "ALL"; }

const char* AttentionVariant::names() { return kNames; }

bool AttentionVariant::values_are_keys() const {
  return kind_ == Kind::Q_KeqV || kind_ == Kind::QeqKeqV || kind_ == Kind::Q_GQA || kind_ == Kind::Q_MQA;
}

std::string AttentionVariant::name() const {
  switch (kind_) {
    case Kind::QKV:
      return "QKV";
    case Kind::Q_KeqV:
      return "Q-K=V";
    case Kind::QeqK_V:
      return "Q=K-V";
    case Kind::QeqKeqV:
      return "Q=K=V";
    case Kind::GQA:
      return fmt::format("GQA-{}", kv_heads_);
    case Kind::MQA:
      return "MQA";
    case Kind::Q_GQA:
      return fmt::format("Q-GQA-{}", kv_heads_);
    case Kind::Q_MQA:
      return "Q-MQA";
  }
  return "?";
}

}  // namespace neurokv

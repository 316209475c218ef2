#pragma once
// The paper's attention variants in its own notation: "=" tied (one shared projection), "-" separate,
// g = number of key/value heads. "Q-K=V" is a name, never arithmetic.
#include <string>
#include <vector>

namespace neurokv {

class AttentionVariant {
 public:
  enum class Kind { QKV, Q_KeqV, QeqK_V, QeqKeqV, GQA, MQA, Q_GQA, Q_MQA };

  // Parses one name ("QKV", "Q-K=V", "GQA-4", ...) for a model with `heads` query heads and `model_kv_heads`
  // key/value heads of its own (0: heads). A name without a g keeps the model's KV heads: on a model with
  // g < heads, QKV is GQA-g and Q-K=V is Q-GQA-g (MQA, Q-MQA for g = 1); Q=K-V and Q=K=V need the query and
  // key widths equal and are refused there. Throws InputError naming the text and the valid names, or a
  // group count that does not divide `heads`.
  static AttentionVariant parse(const std::string& text, int heads, int model_kv_heads = 0);
  // Parses "all" (the paper's eight, with g = default_groups; the six without a g when default_groups is 0)
  // or a comma-separated list. Names are read without case. On a model with its own g < heads, "all" is
  // what the paper's eight become there, each once: GQA-g, Q-GQA-g, MQA, Q-MQA (and GQA-/Q-GQA-kv_groups).
  static std::vector<AttentionVariant> parse_list(const std::string& text, int heads, int default_groups,
                                                  int model_kv_heads = 0);

  // Whether `text` is "all" (in any case, spaces around it ignored).
  static bool is_all(const std::string& text);
  // The names parse() reads, for messages and help: "QKV, Q-K=V, ..., Q-MQA" (a g written as <g>).
  static const char* names();

  Kind kind() const { return kind_; }
  std::string name() const;
  int kv_heads() const { return kv_heads_; }
  int heads() const { return heads_; }

  bool has_q_projection() const { return kind_ != Kind::QeqK_V && kind_ != Kind::QeqKeqV; }
  bool has_v_projection() const { return !values_are_keys(); }
  // K=V: the value path reads the key tensor itself (the paper's repo: `v = k`); the cache holds K alone.
  bool values_are_keys() const;
  // Q=K: the score path reads K against K.
  bool queries_are_keys() const { return !has_q_projection(); }

  bool operator==(const AttentionVariant& other) const {
    return kind_ == other.kind_ && kv_heads_ == other.kv_heads_ && heads_ == other.heads_;
  }

 private:
  AttentionVariant(Kind kind, int heads, int kv_heads) : kind_(kind), heads_(heads), kv_heads_(kv_heads) {}
  Kind kind_;
  int heads_;
  int kv_heads_;
};

}  // namespace neurokv

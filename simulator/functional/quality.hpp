#pragma once
// What an execution's logits say about the model's quality on its input: next-token loss and perplexity
// (each position predicts the next id), and the most likely next tokens after the last one.
#include <optional>
#include <utility>
#include <vector>

namespace neurokv::functional {

struct Quality {
  std::optional<double> loss;        // mean −ln p(next id), nats; none for a one-token input (no target)
  std::optional<double> perplexity;  // e^loss
  int targets = 0;                   // positions that had a next id
};

// `logits`: [position][vocab]; `ids` the input (ids[p + 1] is position p's target).
Quality next_token_quality(const std::vector<std::vector<float>>& logits, const std::vector<int>& ids);
// The `k` largest logits of one position, as (token id, probability), most likely first (ties: lower id).
std::vector<std::pair<int, double>> top_tokens(const std::vector<float>& logits, int k);
// Fraction of positions where two runs' most likely token is the same.
double top1_agreement(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b);

}  // namespace neurokv::functional

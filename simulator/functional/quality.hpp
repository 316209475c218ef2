#pragma once
// What an execution's logits say about the model's quality on its input: next-token loss and perplexity
// (each position predicts the next id), and the most likely next tokens after the last one.
#include <optional>
#include <utility>
#include <vector>

namespace neurokv::functional {

using Logits = std::vector<std::vector<float>>;  // [position][vocab]

struct Quality {
  std::optional<double> loss;        // mean −ln p(next id), nats; none for a one-token input (no target)
  std::optional<double> perplexity;  // e^loss
  int targets = 0;                   // positions that had a next id
};

// `ids` the input (ids[p + 1] is position p's target).
Quality next_token_quality(const Logits& logits, const std::vector<int>& ids);
// The `k` largest logits of one position, as (token id, probability), most likely first (ties: lower id).
std::vector<std::pair<int, double>> top_tokens(const std::vector<float>& logits, int k);
// Fraction of positions where two runs' most likely token is the same.
double top1_agreement(const Logits& a, const Logits& b);

// An integer execution's quality on `ids` against the float execution of the same input.
struct QualityVsFloat {
  Quality quality;  // the integer run's
  Quality float_quality;
  std::optional<double> perplexity_vs_float;  // int / float; none without targets
  double top1_agreement = 0;
};
QualityVsFloat quality_vs_float(const Logits& int_logits, const Logits& float_logits,
                                const std::vector<int>& ids);
// The same over several independent sequences (windows of a long text): losses averaged over all targets,
// agreement over all positions.
QualityVsFloat quality_vs_float(const std::vector<Logits>& int_logits,
                                const std::vector<Logits>& float_logits,
                                const std::vector<std::vector<int>>& ids);

}  // namespace neurokv::functional

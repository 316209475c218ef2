#include "simulator/functional/quality.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace neurokv::functional {
namespace {

// ln Σ e^x, stable.
double log_sum_exp(const std::vector<float>& x) {
  const double top = *std::max_element(x.begin(), x.end());
  double sum = 0;
  for (float v : x) sum += std::exp(v - top);
  return top + std::log(sum);
}

int argmax(const std::vector<float>& x) {
  return static_cast<int>(std::max_element(x.begin(), x.end()) - x.begin());
}

std::size_t same_top1(const Logits& a, const Logits& b) {
  std::size_t same = 0;
  for (std::size_t p = 0; p < std::min(a.size(), b.size()); ++p) same += argmax(a[p]) == argmax(b[p]);
  return same;
}

// Σ −ln p(next id) over the sequence's targets, added to `total`.
void add_losses(const Logits& logits, const std::vector<int>& ids, double& total, int& targets) {
  for (std::size_t p = 0; p + 1 < ids.size() && p < logits.size(); ++p) {
    total += log_sum_exp(logits[p]) - logits[p][static_cast<std::size_t>(ids[p + 1])];
    ++targets;
  }
}

Quality mean_quality(double total, int targets) {
  Quality q;
  q.targets = targets;
  if (targets > 0) {
    q.loss = total / targets;
    q.perplexity = std::exp(*q.loss);
  }
  return q;
}

}  // namespace

Quality next_token_quality(const Logits& logits, const std::vector<int>& ids) {
  double total = 0;
  int targets = 0;
  add_losses(logits, ids, total, targets);
  return mean_quality(total, targets);
}

std::vector<std::pair<int, double>> top_tokens(const std::vector<float>& logits, int k) {
  std::vector<int> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t keep = std::min<std::size_t>(static_cast<std::size_t>(k), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [&](int a, int b) {
                      return logits[static_cast<std::size_t>(a)] != logits[static_cast<std::size_t>(b)]
                                 ? logits[static_cast<std::size_t>(a)] > logits[static_cast<std::size_t>(b)]
                                 : a < b;
                    });
  const double lse = log_sum_exp(logits);
  std::vector<std::pair<int, double>> top;
  for (std::size_t i = 0; i < keep; ++i)
    top.emplace_back(order[i], std::exp(logits[static_cast<std::size_t>(order[i])] - lse));
  return top;
}

double top1_agreement(const Logits& a, const Logits& b) {
  const std::size_t n = std::min(a.size(), b.size());
  return n == 0 ? 0 : static_cast<double>(same_top1(a, b)) / static_cast<double>(n);
}

QualityVsFloat quality_vs_float(const Logits& int_logits, const Logits& float_logits,
                                const std::vector<int>& ids) {
  return quality_vs_float(std::vector<Logits>{int_logits}, std::vector<Logits>{float_logits}, {ids});
}

QualityVsFloat quality_vs_float(const std::vector<Logits>& int_logits,
                                const std::vector<Logits>& float_logits,
                                const std::vector<std::vector<int>>& ids) {
  double int_total = 0, float_total = 0;
  int int_targets = 0, float_targets = 0;
  std::size_t same = 0, positions = 0;
  for (std::size_t w = 0; w < ids.size(); ++w) {
    add_losses(int_logits[w], ids[w], int_total, int_targets);
    add_losses(float_logits[w], ids[w], float_total, float_targets);
    same += same_top1(int_logits[w], float_logits[w]);
    positions += std::min(int_logits[w].size(), float_logits[w].size());
  }
  QualityVsFloat q;
  q.quality = mean_quality(int_total, int_targets);
  q.float_quality = mean_quality(float_total, float_targets);
  if (q.quality.perplexity && q.float_quality.perplexity)
    q.perplexity_vs_float = *q.quality.perplexity / *q.float_quality.perplexity;
  q.top1_agreement = positions == 0 ? 0 : static_cast<double>(same) / static_cast<double>(positions);
  return q;
}

}  // namespace neurokv::functional

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

}  // namespace

Quality next_token_quality(const std::vector<std::vector<float>>& logits, const std::vector<int>& ids) {
  Quality q;
  double total = 0;
  for (std::size_t p = 0; p + 1 < ids.size() && p < logits.size(); ++p) {
    total += log_sum_exp(logits[p]) - logits[p][static_cast<std::size_t>(ids[p + 1])];
    ++q.targets;
  }
  if (q.targets > 0) {
    q.loss = total / q.targets;
    q.perplexity = std::exp(*q.loss);
  }
  return q;
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

double top1_agreement(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0;
  std::size_t same = 0;
  for (std::size_t p = 0; p < n; ++p) same += argmax(a[p]) == argmax(b[p]);
  return static_cast<double>(same) / static_cast<double>(n);
}

}  // namespace neurokv::functional

#include "simulator/functional/token_ids.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv::functional {

std::vector<int> parse_token_ids(const std::string& text, const std::string& where) {
  std::vector<int> ids;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  skip_space();
  while (i < text.size()) {
    const std::size_t start = i;
    int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
           value <= (int64_t{1} << 31))
      value = value * 10 + (text[i++] - '0');
    if (i == start || value >= (int64_t{1} << 31)) {
      throw InputError(
          fmt::format("{}: token {} (byte {}): expected a token id (a non-negative integer "
                      "below 2^31), got '{}'",
                      where, ids.size(), start, text.substr(start, 12)));
    }
    ids.push_back(static_cast<int>(value));
    skip_space();
    if (i < text.size()) {
      if (text[i] != ',') {
        throw InputError(fmt::format("{}: after token {} (byte {}): expected ',' between token ids, got '{}'",
                                     where, ids.size() - 1, i, text.substr(i, 12)));
      }
      ++i;
      skip_space();
      if (i == text.size()) {
        throw InputError(fmt::format("{}: byte {}: expected a token id after the last ','", where, i));
      }
    }
  }
  return ids;
}

std::vector<int> text_token_ids(const std::string& path) {
  const std::string bytes = read_whole_file(path, "a text file");
  std::vector<int> ids(bytes.size());
  std::transform(bytes.begin(), bytes.end(), ids.begin(),
                 [](char c) { return static_cast<unsigned char>(c); });
  return ids;
}

void check_not_empty(const std::vector<int>& ids, const std::string& where) {
  if (ids.empty()) throw InputError(fmt::format("{}: no tokens, expected at least one", where));
}

void check_token_ids(const std::vector<int>& ids, const ir::Program& program, const std::string& where) {
  check_not_empty(ids, where);
  const int64_t limit = sequence_limit(program);
  if (static_cast<int64_t>(ids.size()) > limit) {
    throw InputError(
        fmt::format("{}: token {} is past the limit: {} tokens, expected at most {} (the "
                    "program's context {} and the model's {} positions)",
                    where, limit, ids.size(), limit, program.context, program.model.max_positions));
  }
  check_vocabulary(ids, program, where);
}

void check_vocabulary(const std::vector<int>& ids, const ir::Program& program, const std::string& where) {
  for (std::size_t p = 0; p < ids.size(); ++p) {
    if (ids[p] < 0 || ids[p] >= program.model.vocab) {
      throw InputError(fmt::format("{}: token {}: id {} is outside the vocabulary, expected 0 to {}", where,
                                   p, ids[p], program.model.vocab - 1));
    }
  }
}

int64_t sequence_limit(const ir::Program& program) {
  return std::min<int64_t>(program.context, program.model.max_positions);
}

std::vector<std::vector<int>> windows(const std::vector<int>& ids, int64_t length) {
  std::vector<std::vector<int>> out;
  for (std::size_t begin = 0; begin < ids.size(); begin += static_cast<std::size_t>(length)) {
    const std::size_t end = std::min(ids.size(), begin + static_cast<std::size_t>(length));
    out.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                     ids.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

}  // namespace neurokv::functional

#pragma once
// "Did you mean ...?" for a mistyped name: the candidate closest in edit distance, ignoring case.
#include <string>
#include <vector>

namespace neurokv {

// Levenshtein distance between `a` and `b`, letters compared without case.
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate nearest to `word`, or "" when none is near enough to be a likely typo (at most a third of
// the word's letters, and at least 2, differ).
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" when a candidate is near `word`, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace neurokv

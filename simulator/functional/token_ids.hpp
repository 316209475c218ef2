#pragma once
// Token ids for the executor: read from a list ("1,2,3") or a text file (byte-level models: each byte is a
// token), and checked against the program (vocabulary, context). Throws InputError naming the position.
#include <string>
#include <vector>

#include "compiler/ir/program.hpp"

namespace neurokv::functional {

// "1,2,3" (spaces and newlines allowed around the commas); `where` names the source in messages.
std::vector<int> parse_token_ids(const std::string& text, const std::string& where);
// Every byte of the file is one token id (0..255).
std::vector<int> text_token_ids(const std::string& path);
// At least one token.
void check_not_empty(const std::vector<int>& ids, const std::string& where);
// Non-empty, every id in [0, vocab), at most min(context, max_positions) tokens.
void check_token_ids(const std::vector<int>& ids, const ir::Program& program, const std::string& where);
// Every id in [0, vocab).
void check_vocabulary(const std::vector<int>& ids, const ir::Program& program, const std::string& where);
// The longest sequence the program runs: min(context, max_positions) tokens.
int64_t sequence_limit(const ir::Program& program);
// `ids` cut into consecutive sequences of `length` tokens (the last one shorter); none for no ids.
std::vector<std::vector<int>> windows(const std::vector<int>& ids, int64_t length);

}  // namespace neurokv::functional

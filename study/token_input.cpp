#include "study/token_input.hpp"

#include <filesystem>

#include "compiler/support/whole_file.hpp"
#include "simulator/functional/token_ids.hpp"

namespace neurokv::study {

std::vector<int> id_list(const std::string& value, const std::string& flag, std::string& where) {
  if (std::filesystem::is_regular_file(value)) {
    where = value;
    return functional::parse_token_ids(read_whole_file(value, "a token id list"), value);
  }
  where = flag;
  return functional::parse_token_ids(value, flag);
}

std::vector<int> token_input(const std::string& ids, const std::string& text, std::string& where) {
  if (!text.empty()) {
    where = text;
    return functional::text_token_ids(text);
  }
  return id_list(ids, "--ids", where);
}

}  // namespace neurokv::study

#include "study/token_input.hpp"

#include <filesystem>

#include "compiler/support/whole_file.hpp"
#include "simulator/functional/token_ids.hpp"

namespace neurokv::study {

std::vector<int> id_list(const std::string& value, const std::string& flag, std::string& where) {
  // A list longer than a file name can be is no file (the error_code form: no throw for ENAMETOOLONG).
  std::error_code not_a_file;
  if (std::filesystem::is_regular_file(value, not_a_file)) {
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

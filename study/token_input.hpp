#pragma once
// Token ids from the command line: --ids (a list '1,2,3' or a file holding one) or --text FILE (each byte a
// token, for byte-level models).
#include <string>
#include <vector>

namespace neurokv::study {

// A list, or a file holding one; `where` is set to what messages name (`flag` or the file).
std::vector<int> id_list(const std::string& value, const std::string& flag, std::string& where);
// --text when given, else --ids.
std::vector<int> token_input(const std::string& ids, const std::string& text, std::string& where);

}  // namespace neurokv::study

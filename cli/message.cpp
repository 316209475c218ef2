#include "cli/message.hpp"

#include <fmt/format.h>

namespace neurokv::cli {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 if there is none.
std::size_t utf8_length(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  const std::size_t length = lead < 0x80           ? 1
                             : (lead >> 5) == 0x6  ? 2
                             : (lead >> 4) == 0xe  ? 3
                             : (lead >> 3) == 0x1e ? 4
                                                   : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string printable_line(const std::string& message) {
  std::string out;
  for (std::size_t i = 0; i < message.size();) {
    const unsigned char c = static_cast<unsigned char>(message[i]);
    const std::size_t length = utf8_length(message, i);
    if (length == 0 || c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else {
      out.append(message, i, length);
      i += length;
    }
  }
  return out;
}

void print_lines(std::FILE* stream, const std::string& prefix, const std::string& message) {
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = message.find('\n', begin);
    fmt::print(stream, "{}{}\n", prefix, printable_line(message.substr(begin, end - begin)));
    if (end == std::string::npos) return;
    begin = end + 1;
  }
}

}  // namespace neurokv::cli

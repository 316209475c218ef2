#pragma once
#include <cstdio>
#include <string>

namespace neurokv::cli {

// An error message as one printable line: control characters and bytes that are not UTF-8 (a garbage input
// echoed back by a parser) become \xNN, so the message never breaks a terminal or a log line.
std::string printable_line(const std::string& message);

// Prints each line of `message` (a library joins several problems with '\n') as `prefix` + the line made
// printable.
void print_lines(std::FILE* stream, const std::string& prefix, const std::string& message);

}  // namespace neurokv::cli

#pragma once
// Human units for terminal tables, picked per value so a small figure never reads as zero: 305.5 M,
// 80.0 KiB, 3.21 nJ. Shared by the transformer report and the CNN frame report.
#include <string>

namespace neurokv {

std::string count(double value);
std::string bytes(double value);
// Three significant digits in the largest SI unit (down to pico) that keeps the value at least 1.
std::string si(double value, const char* unit);
std::string seconds(double value);
std::string joules(double value);

}  // namespace neurokv

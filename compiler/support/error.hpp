#pragma once
// Typed errors thrown by the libraries. Only cli/ turns them into messages and exit codes.
#include <stdexcept>
#include <string>

namespace neurokv {

// Bad input: a malformed file, a value out of range, a flag that makes no sense. Exit code 2.
// The message already names the place ("file:line:col: ...") and what was expected.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A model that does not fit the chip: names the op, what it needs and what the chip has. Exit code 2.
class MappingError : public InputError {
 public:
  using InputError::InputError;
};

// A run that failed for a reason other than its input (I/O, internal invariant). Exit code 1.
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace neurokv

#pragma once
// Something a frontend tells the user without failing: a note (how an ambiguous but normal form was read) or
// a warning (a model that may not be what its author meant). Libraries return them; only cli/ prints them.
#include <string>

namespace neurokv {

struct Diagnostic {
  enum class Severity { Note, Warning };
  Severity severity = Severity::Note;
  std::string message;

  bool operator==(const Diagnostic& o) const { return severity == o.severity && message == o.message; }
};

inline const char* to_string(Diagnostic::Severity severity) {
  return severity == Diagnostic::Severity::Warning ? "warning" : "note";
}

}  // namespace neurokv

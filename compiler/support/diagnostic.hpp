#pragma once
// The one channel for what the tool tells the user without failing: a note (a decision the user may want to
// know, or how an ambiguous but normal input was read) or a warning (figures or a model that may not be what
// the user meant). Libraries (passes, the ONNX importer, the evaluators, sweeps) return them in a
// Diagnostics; only cli/ prints them (cli/diagnostics.hpp: `neurokv: note: ...` on stderr).
#include <string>
#include <utility>
#include <vector>

namespace neurokv {

struct Diagnostic {
  enum class Severity { Note, Warning };
  Severity severity = Severity::Note;
  std::string message;

  static Diagnostic note(std::string message) { return {Severity::Note, std::move(message)}; }
  static Diagnostic warning(std::string message) { return {Severity::Warning, std::move(message)}; }

  bool operator==(const Diagnostic& o) const { return severity == o.severity && message == o.message; }
};

// Diagnostics in the order they arose.
using Diagnostics = std::vector<Diagnostic>;

inline const char* to_string(Diagnostic::Severity severity) {
  switch (severity) {
    case Diagnostic::Severity::Note:
      return "note";
    case Diagnostic::Severity::Warning:
      return "warning";
  }
  return "?";
}

}  // namespace neurokv

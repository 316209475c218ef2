#include "compiler/ir/parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "compiler/ir/text_schema.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"

namespace neurokv::ir {
namespace {

// The parts of a file, in the order they must come. Repeating parts (buffers, ops, routes) may be empty;
// every other part must be there exactly once.
enum Section {
  kVersion,
  kModel,
  kVariant,
  kChip,
  kPrecision,
  kContext,
  kFusedKv,
  kBuffers,
  kOps,
  kRoutes,
  kPrefill,
  kDecode,
  kEnd
};

struct SectionInfo {
  const char* keyword;
  bool repeats;
};

constexpr SectionInfo kSections[] = {
    {"neurokv-ir", false}, {"model", false},   {"variant", false},          {"chip", false},
    {"precision", false},  {"context", false}, {"fused_kv", false},         {"buffer", true},
    {"op", true},          {"route", true},    {"schedule prefill", false}, {"schedule decode", false},
    {"end", false}};

constexpr const char* kOrder =
    "neurokv-ir, model, variant, chip, precision, context, fused_kv, buffers, ops with their tiles, routes, "
    "schedule prefill, schedule decode, end";

bool is_word(char c) { return c != ' ' && c != '\t' && c != '#'; }

// Refuses control bytes, so binary input fails on its first line with the offending byte.
void check_text(const LineCursor& cursor, std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if ((byte < 0x20 && line[i] != '\t') || byte == 0x7f) {
      cursor.fail_at(static_cast<int>(i) + 1,
                     fmt::format("byte 0x{:02x} is not text, expected a UTF-8 text file", byte));
    }
  }
}

void expect_line_end(LineCursor& cursor, const char* after) {
  if (!cursor.done()) {
    cursor.fail(fmt::format("unexpected '{}' after {}, expected the end of the line",
                            cursor.word_at(cursor.column()), after));
  }
}

class Parser {
 public:
  explicit Parser(const std::string& file) : file_(file) {}

  Program run(const std::string& text) {
    int number = 0;
    std::size_t start = 0;
    int end_line = 1, end_column = 1;  // where the text stops, for a truncated file
    while (start < text.size()) {
      const std::size_t stop = std::min(text.find('\n', start), text.size());
      std::string_view line(text.data() + start, stop - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++number;
      LineCursor cursor(line, file_, number);
      check_text(cursor, line);
      if (number == 1) {
        version_line(cursor);
      } else if (!cursor.done()) {
        statement(cursor);
      }
      start = stop + 1;
      end_line = stop < text.size() ? number + 1 : number;
      end_column = stop < text.size() ? 1 : static_cast<int>(line.size()) + 1;
    }
    if (section_ != kEnd) {
      const std::string next = number == 0 ? fmt::format("'{} {}'", kFormatName, kFormatVersion)
                                           : fmt::format("'{}'", kSections[next_required(section_)].keyword);
      throw InputError(
          fmt::format("{}:{}:{}: the file ends {}, expected {} and more up to 'end' (truncated file?)", file_,
                      end_line, end_column, number == 0 ? "at once" : "early", next));
    }
    return std::move(program_);
  }

 private:
  using Handler = void (Parser::*)(LineCursor&, int);

  void version_line(LineCursor& cursor) {
    const std::string magic(cursor.take_while(is_word));
    if (magic != kFormatName) {
      cursor.fail_at(1, fmt::format("the file starts with '{}', expected '{} {}' on the first line",
                                    cursor.word_at(1), kFormatName, kFormatVersion));
    }
    cursor.done();
    const int column = cursor.column();
    const int64_t version = read_integer(cursor, "the version", 0, std::numeric_limits<int64_t>::max(), '\0');
    if (version < kOldestReadVersion || version > kFormatVersion) {
      cursor.fail_at(column, fmt::format("{} {} is not supported, expected version {} to {}", kFormatName,
                                         version, kOldestReadVersion, kFormatVersion));
    }
    expect_line_end(cursor, "the version");
  }

  void statement(LineCursor& cursor) {
    static const std::pair<const char*, Handler> kStatements[] = {{"model", &Parser::model},
                                                                  {"variant", &Parser::variant},
                                                                  {"chip", &Parser::chip},
                                                                  {"precision", &Parser::precision},
                                                                  {"context", &Parser::context},
                                                                  {"fused_kv", &Parser::fused_kv},
                                                                  {"buffer", &Parser::buffer},
                                                                  {"op", &Parser::op},
                                                                  {"tile", &Parser::tile},
                                                                  {"route", &Parser::route},
                                                                  {"schedule", &Parser::schedule},
                                                                  {"step", &Parser::step},
                                                                  {"end", &Parser::end}};
    const int column = cursor.column();
    const std::string_view keyword = cursor.take_while(is_word);
    if (section_ == kEnd) cursor.fail_at(column, "text after 'end', expected nothing more");
    for (const auto& [name, handler] : kStatements) {
      if (keyword == name) return (this->*handler)(cursor, column);
    }
    cursor.fail_at(column,
                   fmt::format("unknown line '{}', expected one of model, variant, chip, precision, context, "
                               "fused_kv, buffer, op, tile, route, schedule, step, end",
                               cursor.word_at(column)));
  }

  // Moves to `section`, refusing parts out of order, given twice, or skipping a required part.
  void enter(LineCursor& cursor, int column, Section section) {
    const char* keyword = kSections[section].keyword;
    if (section == section_ && !kSections[section].repeats) {
      cursor.fail_at(column, fmt::format("'{}' given twice, expected one", keyword));
    }
    if (section < section_) {
      cursor.fail_at(column, fmt::format("'{}' is out of order after '{}', expected the order {}", keyword,
                                         kSections[section_].keyword, kOrder));
    }
    const Section missing = next_required(section_);
    if (missing < section) {
      cursor.fail_at(column, fmt::format("'{}' came before '{}', expected '{}' first", keyword,
                                         kSections[missing].keyword, kSections[missing].keyword));
    }
    section_ = section;
  }

  static Section next_required(Section after) {
    int next = after + 1;
    while (kSections[next].repeats) ++next;
    return static_cast<Section>(next);
  }

  template <class T>
  FieldColumns header(LineCursor& cursor, int column, Section section, const LineFields<T>& fields, T& item) {
    enter(cursor, column, section);
    return fields.read(cursor, item);
  }

  void model(LineCursor& cursor, int column) {
    header(cursor, column, kModel, text::model_line(), program_.model);
  }
  void variant(LineCursor& cursor, int column) {
    header(cursor, column, kVariant, text::variant_line(), program_);
  }
  void chip(LineCursor& cursor, int column) {
    header(cursor, column, kChip, text::chip_line(), program_.chip);
  }
  void precision(LineCursor& cursor, int column) {
    header(cursor, column, kPrecision, text::precision_line(), program_.precision);
  }
  void context(LineCursor& cursor, int column) {
    header(cursor, column, kContext, text::context_line(), program_);
  }
  void fused_kv(LineCursor& cursor, int column) {
    header(cursor, column, kFusedKv, text::fused_kv_line(), program_);
  }

  void buffer(LineCursor& cursor, int column) {
    enter(cursor, column, kBuffers);
    cursor.done();
    const int id_column = cursor.column();
    const int id = text::kBufferId.read(cursor, "buffer id");
    check_next_id(cursor, id_column, "buffer", '@', id, program_.buffers.size());
    if (!cursor.at_value_end())
      cursor.fail(
          fmt::format("unexpected '{}' in the buffer id, expected a space", cursor.word_at(cursor.column())));
    Buffer buffer;
    text::buffer_line().read(cursor, buffer);
    program_.buffers.push_back(std::move(buffer));
  }

  void op(LineCursor& cursor, int column) {
    enter(cursor, column, kOps);
    Op op;
    const FieldColumns at = text::op_line().read(cursor, op);
    check_next_id(cursor, at.of("id"), "op", '%', op.id, program_.ops.size());
    for (int input : op.inputs) check_earlier_op(cursor, at.of("inputs"), op, input, "takes input");
    if (op.tied_to >= 0) check_earlier_op(cursor, at.of("tied_to"), op, op.tied_to, "is tied to");
    if (op.buffer >= static_cast<int>(program_.buffers.size())) {
      cursor.fail_at(at.of("buffer"),
                     fmt::format("op %{} refers to buffer @{}, expected one of the {} buffers above", op.id,
                                 op.buffer, program_.buffers.size()));
    }
    program_.ops.push_back(std::move(op));
  }

  void tile(LineCursor& cursor, int column) {
    if (section_ != kOps)
      cursor.fail_at(column, "'tile' outside an op, expected tiles right after their 'op' line");
    Tile tile;
    const FieldColumns at = text::tile_line().read(cursor, tile);
    Op& op = program_.ops.back();
    check_next_id(cursor, at.of("index"), fmt::format("op %{} tile", op.id).c_str(), '\0', tile.index,
                  op.tiles.size());
    op.tiles.push_back(tile);
  }

  void route(LineCursor& cursor, int column) {
    enter(cursor, column, kRoutes);
    Route route;
    const FieldColumns at = text::route_line().read(cursor, route);
    check_tiles(cursor, at.of("source"), route.src_op, {route.src_tile});
    check_op(cursor, at.of("dst"), route.dst_op);
    check_tiles(cursor, at.of("tiles"), route.dst_op, route.dst_tiles.tiles());
    // Share the list with the last route to the same op when it is the same, as the route pass does.
    TileList& last = last_tiles_to_[route.dst_op];
    if (last == route.dst_tiles)
      route.dst_tiles = last;
    else
      last = route.dst_tiles;
    program_.routes.push_back(std::move(route));
  }

  void schedule(LineCursor& cursor, int column) {
    cursor.done();
    const int name_column = cursor.column();
    const std::string_view name = cursor.take_while(is_word);
    if (name != "prefill" && name != "decode") {
      cursor.fail_at(name_column, fmt::format("unknown schedule '{}', expected prefill or decode",
                                              cursor.word_at(name_column)));
    }
    enter(cursor, column, name == "prefill" ? kPrefill : kDecode);
    expect_line_end(cursor, "the schedule name");
  }

  void step(LineCursor& cursor, int column) {
    if (section_ != kPrefill && section_ != kDecode) {
      cursor.fail_at(
          column, "'step' outside a schedule, expected steps after 'schedule prefill' or 'schedule decode'");
    }
    Step step;
    const FieldColumns at = text::step_line().read(cursor, step);
    check_op(cursor, at.of("op"), step.op);
    for (int wait : step.waits) check_op(cursor, at.of("waits"), wait);
    (section_ == kPrefill ? program_.prefill : program_.decode).push_back(std::move(step));
  }

  void end(LineCursor& cursor, int column) {
    enter(cursor, column, kEnd);
    expect_line_end(cursor, "'end'");
  }

  void check_next_id(const LineCursor& cursor, int column, const char* what, char prefix, int id,
                     std::size_t expected) {
    if (id == static_cast<int>(expected)) return;
    const std::string sigil = prefix == '\0' ? "" : std::string(1, prefix);
    cursor.fail_at(
        column,
        fmt::format("{} {}{} {}, expected {}{} next (ids count up from 0)", what, sigil, id,
                    id < static_cast<int>(expected) ? "is defined twice" : "skips ahead", sigil, expected));
  }

  void check_earlier_op(const LineCursor& cursor, int column, const Op& op, int id, const char* relation) {
    if (id >= op.id) {
      cursor.fail_at(column,
                     fmt::format("op %{} {} %{}, expected an op defined above it", op.id, relation, id));
    }
  }

  void check_op(const LineCursor& cursor, int column, int id) {
    if (id >= static_cast<int>(program_.ops.size())) {
      cursor.fail_at(column, fmt::format("op %{} is not defined, expected one of the {} ops %0..%{}", id,
                                         program_.ops.size(), static_cast<int>(program_.ops.size()) - 1));
    }
  }

  void check_tiles(const LineCursor& cursor, int column, int op_id, const std::vector<int>& tiles) {
    check_op(cursor, column, op_id);
    const Op& op = program_.ops[static_cast<std::size_t>(op_id)];
    for (int tile : tiles) {
      if (tile >= static_cast<int>(op.tiles.size())) {
        cursor.fail_at(column, fmt::format("op %{} ({}) has no tile {}, expected a tile index below {}",
                                           op_id, op.name, tile, op.tiles.size()));
      }
    }
  }

  const std::string& file_;
  Program program_;
  std::unordered_map<int, TileList> last_tiles_to_;  // by destination op: its last route's tiles
  Section section_ = kVersion;
};

}  // namespace

Program parse_program(const std::string& text, const std::string& file) { return Parser(file).run(text); }

Program load_program(const std::string& path) {
  return parse_program(read_whole_file(path, "a readable .nkir file"), path);
}

}  // namespace neurokv::ir

#include "compiler/ir/printer.hpp"

#include <fmt/format.h>

#include "compiler/ir/text_schema.hpp"

namespace neurokv::ir {
namespace {

constexpr const char* kIndent = "  ";
constexpr std::size_t kBytesPerLine = 64;  // a guess that saves most reallocations on large programs

template <class T>
void print_line(std::string& out, const char* indent, const char* keyword, const LineFields<T>& fields,
                const T& item) {
  out += indent;
  out += keyword;
  fields.print(item, out);
  out += '\n';
}

std::size_t line_estimate(const Program& program) {
  std::size_t lines = program.buffers.size() + program.ops.size() + program.routes.size() +
                      program.prefill.size() + program.decode.size();
  for (const Op& op : program.ops) lines += op.tiles.size();
  return lines;
}

}  // namespace

std::string print_program(const Program& program) {
  std::string out;
  out.reserve(kBytesPerLine * line_estimate(program));
  out += fmt::format("{} {}\n", kFormatName, kFormatVersion);
  print_line(out, "", "model", text::model_line(), program.model);
  print_line(out, "", "variant", text::variant_line(), program);
  print_line(out, "", "chip", text::chip_line(), program.chip);
  print_line(out, "", "precision", text::precision_line(), program.precision);
  print_line(out, "", "context", text::context_line(), program);
  print_line(out, "", "fused_kv", text::fused_kv_line(), program);
  for (std::size_t i = 0; i < program.buffers.size(); ++i) {
    std::string keyword = "buffer ";
    text::kBufferId.write(keyword, static_cast<int>(i));
    print_line(out, "", keyword.c_str(), text::buffer_line(), program.buffers[i]);
  }
  for (const Op& op : program.ops) {
    print_line(out, "", "op", text::op_line(), op);
    for (const Tile& tile : op.tiles) print_line(out, kIndent, "tile", text::tile_line(), tile);
  }
  for (const Route& route : program.routes) print_line(out, "", "route", text::route_line(), route);
  for (const auto& [name, steps] :
       {std::pair{"prefill", &program.prefill}, std::pair{"decode", &program.decode}}) {
    out += fmt::format("schedule {}\n", name);
    for (const Step& step : *steps) print_line(out, kIndent, "step", text::step_line(), step);
  }
  out += "end\n";
  return out;
}

}  // namespace neurokv::ir

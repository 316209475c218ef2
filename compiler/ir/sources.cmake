# The Event IR's text form (printer, parser) and verifier.
target_sources(neurokv_compiler PRIVATE
  ir/parser.cpp
  ir/printer.cpp
  ir/text_cursor.cpp
  ir/text_schema.cpp
  ir/text_values.cpp
  ir/verifier.cpp
)

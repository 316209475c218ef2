# The weights file (.nkw): real weights quantised for a compiled program, per tile (docs/ir.md).
target_sources(neurokv_compiler PRIVATE
  weights/bit_packing.cpp
  weights/program_weights.cpp
  weights/quantized_tensor.cpp
  weights/weights_check.cpp
  weights/weights_file.cpp
  weights/weights_layout.cpp
  weights/weights_reader.cpp
  weights/weights_writer.cpp
)

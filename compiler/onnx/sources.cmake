# The ONNX frontend: libonnx-dev's protobuf classes (its headers are third-party, so SYSTEM: no warnings).
find_package(Protobuf REQUIRED)  # ONNX's targets link protobuf::libprotobuf
find_package(ONNX REQUIRED)
target_sources(neurokv_compiler PRIVATE
  model_source.cpp
  model_weights.cpp
  onnx/block_matcher.cpp
  onnx/onnx_file.cpp
  onnx/onnx_graph.cpp
  onnx/onnx_import.cpp
  onnx/tensor_values.cpp
  onnx/variant_detection.cpp
)
get_target_property(NEUROKV_ONNX_INCLUDES onnx_proto INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(neurokv_compiler SYSTEM PUBLIC ${NEUROKV_ONNX_INCLUDES})
target_link_libraries(neurokv_compiler PUBLIC onnx_proto)

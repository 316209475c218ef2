target_sources(neurokv_compiler PRIVATE
  compile.cpp
  compile_summary.cpp
  passes/apply_variant.cpp
  passes/lower.cpp
  passes/np_packing.cpp
  passes/partition.cpp
  passes/place.cpp
  passes/plan_kv_cache.cpp
  passes/quantize.cpp
  passes/route.cpp
  passes/schedule.cpp
)
target_link_libraries(neurokv_compiler PUBLIC nlohmann_json::nlohmann_json)

# The simulator's speed needs compiled programs: built once compile() is on the branch.
if(EXISTS ${PROJECT_SOURCE_DIR}/compiler/compile.cpp)
  add_executable(bench_simulate bench_simulate.cpp)
  target_link_libraries(bench_simulate PRIVATE neurokv_simulator benchmark::benchmark)
  target_compile_definitions(bench_simulate PRIVATE NEUROKV_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()

add_executable(bench_compile bench_compile.cpp)
target_link_libraries(bench_compile PRIVATE neurokv_compiler benchmark::benchmark)
target_compile_definitions(bench_compile PRIVATE NEUROKV_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

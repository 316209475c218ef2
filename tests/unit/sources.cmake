neurokv_add_test(test_analytic unit/test_analytic.cpp)
neurokv_add_test(test_compiler unit/test_graph.cpp unit/test_passes.cpp unit/test_compile.cpp)

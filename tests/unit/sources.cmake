neurokv_add_test(test_analytic unit/test_analytic.cpp)
neurokv_add_test(test_compiler unit/test_graph.cpp unit/test_passes.cpp unit/test_compile.cpp)
neurokv_add_test(test_sim unit/test_sim_simulate.cpp)

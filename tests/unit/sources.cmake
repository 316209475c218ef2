neurokv_add_test(test_analytic unit/test_analytic.cpp)
neurokv_add_test(test_sim unit/test_sim_simulate.cpp)

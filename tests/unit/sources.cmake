neurokv_add_test(test_sim unit/test_sim_simulate.cpp)

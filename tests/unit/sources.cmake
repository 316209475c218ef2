neurokv_add_test(test_analytic unit/test_analytic.cpp)

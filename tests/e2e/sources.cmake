# End-to-end tests run the built command line.
neurokv_add_test(test_cli_estimate e2e/test_cli_estimate.cpp e2e/cli_runner.cpp)
add_dependencies(test_cli_estimate neurokv)

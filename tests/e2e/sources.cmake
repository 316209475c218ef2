# End-to-end tests run the built command line.
neurokv_add_test(test_cli_estimate e2e/test_cli_estimate.cpp e2e/cli_runner.cpp)
add_dependencies(test_cli_estimate neurokv)
neurokv_add_test(test_cli_compile e2e/test_cli_compile.cpp e2e/cli_runner.cpp)
add_dependencies(test_cli_compile neurokv)
neurokv_add_test(test_bad_inputs e2e/test_bad_inputs.cpp e2e/cli_runner.cpp)
add_dependencies(test_bad_inputs neurokv)
neurokv_add_test(test_determinism e2e/test_determinism.cpp e2e/cli_runner.cpp)
add_dependencies(test_determinism neurokv)

neurokv_add_test(test_ir unit/test_ir_printer_parser.cpp unit/test_ir_verifier.cpp unit/test_ir_compiled.cpp
                 unit/ir_sample.cpp unit/ir_equal.cpp)
neurokv_add_test(test_analytic unit/test_analytic.cpp)
neurokv_add_test(test_sweep unit/test_sweep.cpp unit/test_sweep_cli.cpp)
target_link_libraries(test_sweep PRIVATE neurokv_sweep)
add_dependencies(test_sweep neurokv)  # the CLI tests run the built binary
neurokv_add_test(test_compiler unit/test_graph.cpp unit/test_passes.cpp unit/test_compile.cpp)
neurokv_add_test(test_sim unit/test_sim_simulate.cpp unit/test_fidelities.cpp)
neurokv_add_test(test_chip_model unit/test_chip_model.cpp)
neurokv_add_test(test_variant_effects unit/test_variant_effects.cpp)
neurokv_add_test(test_onnx unit/test_onnx.cpp e2e/cli_runner.cpp)
add_dependencies(test_onnx neurokv)
neurokv_add_test(test_weights_file unit/test_weights_file.cpp e2e/cli_runner.cpp)
add_dependencies(test_weights_file neurokv)

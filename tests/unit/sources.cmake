neurokv_add_test(test_ir unit/test_ir_printer_parser.cpp unit/test_ir_verifier.cpp unit/ir_sample.cpp)
neurokv_add_test(test_analytic unit/test_analytic.cpp)
neurokv_add_test(test_compiler unit/test_graph.cpp unit/test_passes.cpp unit/test_compile.cpp)

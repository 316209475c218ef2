neurokv_add_test(test_ir unit/test_ir_printer_parser.cpp unit/test_ir_verifier.cpp unit/ir_sample.cpp)

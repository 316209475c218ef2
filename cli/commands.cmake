target_sources(neurokv PRIVATE
  commands/commands.cpp
  commands/compile_command.cpp
  commands/estimate_command.cpp
  commands/ir_command.cpp
  commands/inspect_command.cpp
  commands/run_command.cpp
  commands/simulate_command.cpp
  commands/sweep_command.cpp
  diagnostics.cpp
  gnuplot.cpp
  interrupt.cpp
  message.cpp
  output.cpp
  paths.cpp
  progress.cpp
  study_options.cpp
)
target_include_directories(neurokv PRIVATE ${PROJECT_SOURCE_DIR})

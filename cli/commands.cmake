target_sources(neurokv PRIVATE
  commands/commands.cpp
  commands/sweep_command.cpp
  gnuplot.cpp
  paths.cpp
  progress.cpp
)
target_include_directories(neurokv PRIVATE ${PROJECT_SOURCE_DIR})

target_sources(neurokv PRIVATE
  commands/commands.cpp
  commands/estimate_command.cpp
  commands/inspect_command.cpp
  commands/run_command.cpp
  output.cpp
  paths.cpp
  study_options.cpp
)
target_include_directories(neurokv PRIVATE ${PROJECT_SOURCE_DIR})

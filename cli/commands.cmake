target_sources(neurokv PRIVATE
  commands/commands.cpp
  commands/ir_command.cpp
)
target_include_directories(neurokv PRIVATE ${PROJECT_SOURCE_DIR})

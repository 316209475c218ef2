# neurokv_library(NAME sources...): one library folder's target.
#
# The layering is enforced by include paths: a library's headers are reachable only through the include folder
# of its own target, ${PROJECT_BINARY_DIR}/include/NAME, which mirrors the project paths ("compiler/ir/program.hpp")
# with links to the folder's headers. A target sees its own headers and those of the targets it links
# (target_link_libraries), nothing else, so including a header of a layer above fails to compile:
#   fatal error: simulator/report.hpp: No such file or directory
# The folder's headers are globbed (CONFIGURE_DEPENDS): a new header is picked up by the next build.
function(neurokv_library name)
  add_library(${name} ${ARGN})
  # Position-independent: the Python module (python/) links these static libraries into a shared object.
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set(include_root ${PROJECT_BINARY_DIR}/include/${name})
  file(GLOB headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  file(REMOVE_RECURSE ${include_root})
  file(MAKE_DIRECTORY ${include_root}/${folder})
  foreach(header ${headers})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/${header} ${include_root}/${folder}/${header} SYMBOLIC)
  endforeach()
  target_include_directories(${name} PUBLIC $<BUILD_INTERFACE:${include_root}>
                                            $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/neurokv>)
  # Installed (cmake/NeurokvInstall.cmake): the headers under include/neurokv/FOLDER, the library exported.
  list(TRANSFORM headers PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)
  install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/neurokv/${folder} COMPONENT dev)
  set_property(GLOBAL APPEND PROPERTY NEUROKV_LIBRARIES ${name})
endfunction()

# `cmake --install`: the command, its data, the C++ libraries with a CMake package and a pkg-config file, and
# the Python module (python/CMakeLists.txt); `cpack -G DEB` (target `package`) makes a Debian package of it.
# The layout and the data search order are in docs/install.md.
include(CMakePackageConfigHelpers)

install(TARGETS neurokv RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
# The data the installed command and module find without the source tree (study/data_dir.hpp).
set(NEUROKV_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/neurokv)
install(DIRECTORY models hwconfigs DESTINATION ${NEUROKV_INSTALL_DATADIR} COMPONENT runtime)
install(DIRECTORY docs/examples/ DESTINATION ${NEUROKV_INSTALL_DATADIR}/examples COMPONENT runtime)

# The libraries and their headers (each folder's headers under include/neurokv/FOLDER, as the project names
# them: #include "compiler/ir/program.hpp"), exported as neurokv::neurokv_NAME for find_package(neurokv).
get_property(libraries GLOBAL PROPERTY NEUROKV_LIBRARIES)
install(TARGETS ${libraries} neurokv_version EXPORT neurokvTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(EXPORT neurokvTargets NAMESPACE neurokv:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/neurokv
        COMPONENT dev)
configure_package_config_file(cmake/neurokvConfig.cmake.in ${PROJECT_BINARY_DIR}/neurokvConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/neurokv)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/neurokvConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/neurokvConfig.cmake ${PROJECT_BINARY_DIR}/neurokvConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/neurokv COMPONENT dev)
# pkg-config: the libraries in link order (each before those it uses) and what they link.
set(pc_libs "")
foreach(library neurokv_study neurokv_sweep neurokv_evaluate neurokv_cycle neurokv_transaction neurokv_noc neurokv_functional
                neurokv_driver
                neurokv_passes neurokv_graph neurokv_onnx neurokv_weights neurokv_sim neurokv_ir neurokv_config
                neurokv_dram neurokv_support)
  string(APPEND pc_libs " -l${library}")
endforeach()
configure_file(cmake/neurokv.pc.in ${PROJECT_BINARY_DIR}/neurokv.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/neurokv.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# A Debian package of the whole install: `cmake --build build --target package` → build/neurokv_VERSION_ARCH.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME neurokv)
set(CPACK_PACKAGE_VENDOR neurokv)
set(CPACK_PACKAGE_CONTACT "neurokv maintainers <neurokv@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "what each transformer attention variant costs on an event-driven, Akida-like chip")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the shared libraries the binary and the module need, from dpkg
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3 (>= 3.11), python3-numpy")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gnuplot-nox, python3-matplotlib, python3-pandas, slurm-wlm, parallel")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_STRIP_FILES ON)  # no debug info in the package (the build keeps it)
include(CPack)

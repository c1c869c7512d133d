# `cmake --install build --prefix P`: the `dign` executable in P/bin, the static libraries in
# P/lib, the headers of src/ (same relative paths, so "core/error.h" resolves) and the generated
# version header in P/include/dign, and a package configuration in P/lib/cmake/dign, so that
# another project writes
#   find_package(dign REQUIRED)
#   target_link_libraries(app PRIVATE dign::dign)      # dign::dign_base: no LibTorch
# and gets the include path, C++17, LibTorch's flags (-D_GLIBCXX_USE_CXX11_ABI) and every
# dependency through the targets. Included by the top-level CMakeLists.txt for LibTorch builds.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(DIGN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dign)

# dign_lib (libdign.a, everything) is dign::dign; dign_base (libdign_base.a) dign::dign_base.
set_target_properties(dign_lib PROPERTIES EXPORT_NAME dign)
set_target_properties(dign_base PROPERTIES EXPORT_NAME dign_base)
install(TARGETS dign_base dign_lib EXPORT dignTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dign)
# Not exported: an executable target named dign::dign would clash with the library.
install(TARGETS dign RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(DIRECTORY ${CMAKE_SOURCE_DIR}/src/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dign
        FILES_MATCHING PATTERN "*.h")
install(FILES ${DIGN_VERSION_HEADER} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dign)

install(EXPORT dignTargets NAMESPACE dign:: DESTINATION ${DIGN_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/dignConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/dignConfig.cmake
                              INSTALL_DESTINATION ${DIGN_CMAKE_DIR})
# 0.x: a minor release may change the API.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/dignConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/dignConfig.cmake ${CMAKE_BINARY_DIR}/dignConfigVersion.cmake
        DESTINATION ${DIGN_CMAKE_DIR})

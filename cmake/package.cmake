# `cpack -G DEB` in a build directory: ringtmp_<version>_<arch>.deb with the binary in
# /usr/bin and the profiles in /usr/share/ringtmp/platforms, where an installed ringtmp
# looks first (core/platform/profiles.cpp). tests/package/deb_package.sh builds and unpacks it.
install(TARGETS ringtmp RUNTIME DESTINATION bin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platforms/ DESTINATION share/ringtmp/platforms)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ringtmp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ringtmp developers <ringtmp@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "RingTMP: neural networks trained across many small devices")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ringtmp_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# The shared libraries the binary links (fmt, sodium, program_options, zlib; SimGrid in a
# full build), with the versions dpkg-shlibdeps reads from the installed packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "dataset-fashion-mnist, gnuplot-nox, iproute2")
# CPack asks dpkg for the host's architecture; a cross build (scripts/cross-arm64.sh) is another.
if(CMAKE_CROSSCOMPILING AND CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
endif()
include(CPack)

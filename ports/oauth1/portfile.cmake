# vcpkg overlay port of oauth1, kept in oauth1's own repository: the source is this checkout
# (vcpkg install oauth1 --overlay-ports=<oauth1>/ports). oauth1 is header-only: one release
# configuration, no libraries; the adapters are features whose dependencies vcpkg installs, and
# the CMake package then exports one component per adapter it found (find_package(oauth1 CONFIG
# REQUIRED COMPONENTS curl)).
#
# tests/packaging/recipes.sh runs the configure and install below with these same OAUTH1_*
# options (it reads them from this file) and checks the installed tree a consumer then sees.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(VCPKG_BUILD_TYPE release)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DOAUTH1_BUILD_TESTS=OFF
        -DOAUTH1_BUILD_BENCHMARKS=OFF
        -DOAUTH1_BUILD_EXAMPLES=OFF
        -DOAUTH1_BUILD_TOOLS=OFF
        -DOAUTH1_INSTALL=ON
        -DOAUTH1_CMAKE_INSTALL_DIR=share/oauth1
        -DOAUTH1_PKGCONFIG_INSTALL_DIR=share/pkgconfig
)
vcpkg_cmake_install()
# The package files are already where vcpkg wants them (share/oauth1); the fixup checks them and
# rewrites nothing but absolute paths, of which there are none.
vcpkg_cmake_config_fixup(PACKAGE_NAME oauth1 CONFIG_PATH share/oauth1)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug" "${CURRENT_PACKAGES_DIR}/lib")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")

# Driver for the consumer tests (cmake -P). Variables (set by tests/CMakeLists.txt):
#   MODE                install | find_package | build_tree | add_subdirectory | pkg_config |
#                       meson_subproject
#   OAUTH1_SOURCE_DIR   oauth1 source tree      OAUTH1_BINARY_DIR  the build being tested
#   CONSUMER_DIR        scratch directory       PREFIX             install prefix (fixture)
#   GENERATOR, CXX      generator and compiler to build consumers with
#   EXPECT_COMPONENTS   comma-separated optional components the tested build provides
#   PKG_CONFIG, MESON   tools, for the pkg_config and meson_subproject modes
cmake_minimum_required(VERSION 3.25)

set(here "${CMAKE_CURRENT_LIST_DIR}")
set(work "${CONSUMER_DIR}/${MODE}")

function(run)
    execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        list(JOIN ARGN " " cmd)
        message(FATAL_ERROR "consumer test '${MODE}' failed (exit ${rc}): ${cmd}")
    endif()
endfunction()

# Configures, builds and runs the CMake consumer project in ${here}/<source> with extra cache args.
function(cmake_consumer source)
    file(REMOVE_RECURSE "${work}")
    run("${CMAKE_COMMAND}" -S "${here}/${source}" -B "${work}" -G "${GENERATOR}"
        "-DCMAKE_CXX_COMPILER=${CXX}" -DCMAKE_BUILD_TYPE=Debug
        "-DOAUTH1_EXPECT_COMPONENTS=${EXPECT_COMPONENTS}" ${ARGN})
    run("${CMAKE_COMMAND}" --build "${work}")
    run("${work}/consumer")
    run("${work}/consumer_components")
    run("${work}/consumer_separate")
endfunction()

if(MODE STREQUAL "install")
    file(REMOVE_RECURSE "${PREFIX}")
    run("${CMAKE_COMMAND}" --install "${OAUTH1_BINARY_DIR}" --prefix "${PREFIX}")
    foreach(f IN ITEMS include/oauth1/error.hpp share/cmake/oauth1/oauth1Config.cmake
            share/cmake/oauth1/oauth1ConfigVersion.cmake share/cmake/oauth1/oauth1Targets.cmake
            share/pkgconfig/oauth1.pc)
        if(NOT EXISTS "${PREFIX}/${f}")
            message(FATAL_ERROR "install did not produce ${PREFIX}/${f}")
        endif()
    endforeach()
elseif(MODE STREQUAL "find_package")
    # Only the temporary prefix may provide oauth1 (not a build tree or a system copy).
    cmake_consumer(find_package "-DCMAKE_PREFIX_PATH=${PREFIX}"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
    file(STRINGS "${work}/CMakeCache.txt" dir_line REGEX "^oauth1_DIR:")
    if(NOT dir_line MATCHES "${PREFIX}")
        message(FATAL_ERROR "find_package found oauth1 outside ${PREFIX}: ${dir_line}")
    endif()
elseif(MODE STREQUAL "build_tree")
    cmake_consumer(find_package "-Doauth1_DIR=${OAUTH1_BINARY_DIR}")
elseif(MODE STREQUAL "add_subdirectory")
    cmake_consumer(add_subdirectory "-DOAUTH1_SOURCE_DIR=${OAUTH1_SOURCE_DIR}")
elseif(MODE STREQUAL "pkg_config")
    file(REMOVE_RECURSE "${work}")
    file(MAKE_DIRECTORY "${work}")
    set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")
    execute_process(COMMAND "${PKG_CONFIG}" --modversion oauth1
        OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR NOT version STREQUAL "0.1.0")
        message(FATAL_ERROR "pkg-config --modversion oauth1 gave '${version}' (exit ${rc})")
    endif()
    execute_process(COMMAND "${PKG_CONFIG}" --cflags --libs oauth1
        OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "pkg-config --cflags --libs oauth1 failed (exit ${rc})")
    endif()
    message(STATUS "pkg-config --cflags --libs oauth1: ${flags}")
    if(NOT flags MATCHES "-I${PREFIX}/include" AND NOT flags MATCHES "-I[^ ]*/share/pkgconfig/")
        message(FATAL_ERROR "oauth1.pc does not point into ${PREFIX}: ${flags}")
    endif()
    separate_arguments(flags UNIX_COMMAND "${flags}")
    run("${CXX}" -std=c++17 "${here}/main.cpp" -o "${work}/consumer" ${flags})
    run("${work}/consumer")
elseif(MODE STREQUAL "meson_subproject")
    file(REMOVE_RECURSE "${work}")
    file(MAKE_DIRECTORY "${work}/src/subprojects")
    file(COPY "${here}/meson_subproject/meson.build" "${here}/main.cpp" "${here}/separate_main.cpp"
        DESTINATION "${work}/src")
    file(CREATE_LINK "${OAUTH1_SOURCE_DIR}" "${work}/src/subprojects/oauth1" SYMBOLIC)
    set(ENV{CXX} "${CXX}")
    run("${MESON}" setup "${work}/build" "${work}/src" --force-fallback-for=oauth1)
    run("${MESON}" compile -C "${work}/build")
    run("${MESON}" test -C "${work}/build" --print-errorlogs)
else()
    message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()

# Test helpers shared by tests/, examples/ and benchmarks/ (internal; not installed).
# Included by the top-level CMakeLists.txt when OAUTH1_BUILD_TESTS is ON, before those
# directories are added, so they all see the variables and functions below:
#
#   OAUTH1_TEST_ENVIRONMENT  ENVIRONMENT for every test: OAUTH1_TEST_DATA_DIR,
#                            OAUTH1_TEST_SOURCE_DIR, OAUTH1_PYTHON, sanitizer options
#   OAUTH1_HAVE_PYTHON       TRUE when ${OAUTH1_PYTHON} can import oauthlib and cryptography
#   oauth1_add_python_test(<name> <script> [args...])
#       registers `${OAUTH1_PYTHON} <script> args...` (generator expressions such as
#       $<TARGET_FILE:tool> allowed) with label "python"; skipped when OAUTH1_HAVE_PYTHON is
#       false. Example: examples/<x>/CMakeLists.txt may call
#         if(COMMAND oauth1_add_python_test)
#           oauth1_add_python_test(cli_oauth1_sign ${PROJECT_SOURCE_DIR}/tests/cli/test_cli.py
#                                  $<TARGET_FILE:oauth1-sign> ${PROJECT_SOURCE_DIR}/tests/data)
#         endif()

include_guard(GLOBAL)

set(OAUTH1_TEST_SOURCE_DIR "${PROJECT_SOURCE_DIR}/tests")
set(OAUTH1_TEST_DATA_DIR "${OAUTH1_TEST_SOURCE_DIR}/data")
set(OAUTH1_TEST_ENVIRONMENT
    "OAUTH1_TEST_DATA_DIR=${OAUTH1_TEST_DATA_DIR}"
    "OAUTH1_TEST_SOURCE_DIR=${OAUTH1_TEST_SOURCE_DIR}"
    "OAUTH1_PYTHON=${OAUTH1_PYTHON}"
    "UBSAN_OPTIONS=print_stacktrace=1"
    "ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1")

# Interop tests need Debian's interpreter with oauthlib and cryptography.
execute_process(
    COMMAND "${OAUTH1_PYTHON}" -c "import oauthlib, cryptography"
    RESULT_VARIABLE oauth1_python_rc OUTPUT_QUIET ERROR_QUIET)
if(oauth1_python_rc EQUAL 0)
    set(OAUTH1_HAVE_PYTHON TRUE)
else()
    set(OAUTH1_HAVE_PYTHON FALSE)
    message(STATUS "oauth1: ${OAUTH1_PYTHON} lacks oauthlib/cryptography: python tests skipped")
endif()

function(oauth1_add_python_test name script)
    if(NOT OAUTH1_HAVE_PYTHON)
        message(STATUS "oauth1: skipping ${name}: no usable ${OAUTH1_PYTHON}")
        return()
    endif()
    add_test(NAME ${name} COMMAND "${OAUTH1_PYTHON}" "${script}" ${ARGN}
        WORKING_DIRECTORY "${PROJECT_BINARY_DIR}")
    set_tests_properties(${name} PROPERTIES
        ENVIRONMENT "${OAUTH1_TEST_ENVIRONMENT}" LABELS python TIMEOUT 600)
endfunction()

# oauth1_add_program(NAME [INSTALL] SOURCES file... LIBRARIES target...)
#
# The executable NAME of one of the project's own programs (examples/, tools/), with the
# project's strict warnings (and sanitizers when OAUTH1_SANITIZE); INSTALL: installed to bin/
# when OAUTH1_INSTALL. When a target in LIBRARIES does not exist (an optional component whose
# library was not found), nothing is added and a status line says so: test `TARGET NAME` before
# using it.
function(oauth1_add_program name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "INSTALL" "" "SOURCES;LIBRARIES")
    foreach(lib IN LISTS arg_LIBRARIES)
        if(NOT TARGET ${lib})
            message(STATUS "oauth1: ${name} not built: ${lib} is not available")
            return()
        endif()
    endforeach()
    add_executable(${name} ${arg_SOURCES})
    target_link_libraries(${name} PRIVATE ${arg_LIBRARIES})
    if(TARGET oauth1_dev)
        target_link_libraries(${name} PRIVATE oauth1_dev)
    elseif(TARGET oauth1_warnings)
        target_link_libraries(${name} PRIVATE oauth1_warnings)
    endif()
    if(arg_INSTALL AND OAUTH1_INSTALL)
        install(TARGETS ${name} RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
    endif()
endfunction()

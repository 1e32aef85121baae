# Locates the third-party libraries behind oauth1's optional adapter components.
#
# Used in two places with identical results: by the project's own CMakeLists.txt and by the
# installed oauth1Config.cmake (a copy of this file is installed next to it), so that
# `find_package(oauth1 CONFIG COMPONENTS curl)` re-finds exactly what the build used.
#
#   oauth1_find_adapter_dependency(<component> <result-var>)
#
# sets <result-var> to TRUE when the dependency of <component> was found, after making sure the
# imported target that the exported adapter target links to exists:
#   curl    -> CURL::libcurl            (CMake's FindCURL)
#   beast   -> Boost::headers, Threads::Threads
#   httplib -> oauth1_deps::httplib     (wraps upstream's httplib::httplib config if present,
#                                        else Debian's cpp-httplib.pc, else a bare httplib.h)
#
# To add an adapter: add a branch below, a target in CMakeLists.txt (see "Adapter components"),
# and the name to OAUTH1_ADAPTER_COMPONENTS there.

include_guard(GLOBAL)

function(oauth1_find_adapter_dependency component result_var)
    set(found FALSE)
    if(component STREQUAL "curl")
        if(NOT TARGET CURL::libcurl)
            find_package(CURL QUIET)
        endif()
        if(TARGET CURL::libcurl)
            set(found TRUE)
        endif()
    elseif(component STREQUAL "beast")
        if(NOT TARGET Threads::Threads)
            set(THREADS_PREFER_PTHREAD_FLAG ON)
            find_package(Threads QUIET)
        endif()
        if(NOT TARGET Boost::headers)
            find_package(Boost 1.81 QUIET)
        endif()
        if(TARGET Boost::headers AND TARGET Threads::Threads)
            set(found TRUE)
        endif()
    elseif(component STREQUAL "httplib")
        if(NOT TARGET oauth1_deps::httplib)
            set(backend "")
            if(NOT TARGET httplib::httplib)
                find_package(httplib CONFIG QUIET)
            endif()
            if(TARGET httplib::httplib)
                set(backend httplib::httplib)
            else()
                # Debian builds cpp-httplib as a shared library (libcpp-httplib.so) whose
                # declarations depend on the CPPHTTPLIB_*_SUPPORT macros in its .pc file: use them.
                find_package(PkgConfig QUIET)
                if(PKG_CONFIG_FOUND)
                    pkg_check_modules(OAUTH1_CPP_HTTPLIB QUIET IMPORTED_TARGET GLOBAL cpp-httplib)
                    if(TARGET PkgConfig::OAUTH1_CPP_HTTPLIB)
                        set(backend PkgConfig::OAUTH1_CPP_HTTPLIB)
                    endif()
                endif()
                if(NOT backend)
                    # Plain single-header cpp-httplib.
                    find_path(OAUTH1_HTTPLIB_INCLUDE_DIR httplib.h)
                    if(OAUTH1_HTTPLIB_INCLUDE_DIR)
                        add_library(oauth1_deps_httplib_header INTERFACE IMPORTED GLOBAL)
                        set_target_properties(oauth1_deps_httplib_header PROPERTIES
                            INTERFACE_INCLUDE_DIRECTORIES "${OAUTH1_HTTPLIB_INCLUDE_DIR}")
                        set(backend oauth1_deps_httplib_header)
                    endif()
                endif()
            endif()
            if(backend)
                if(NOT TARGET Threads::Threads)
                    set(THREADS_PREFER_PTHREAD_FLAG ON)
                    find_package(Threads QUIET)
                endif()
                add_library(oauth1_deps::httplib INTERFACE IMPORTED GLOBAL)
                set_property(TARGET oauth1_deps::httplib PROPERTY
                    INTERFACE_LINK_LIBRARIES ${backend} $<TARGET_NAME_IF_EXISTS:Threads::Threads>)
            endif()
        endif()
        if(TARGET oauth1_deps::httplib)
            set(found TRUE)
        endif()
    else()
        message(FATAL_ERROR "oauth1: unknown adapter component '${component}'")
    endif()
    set(${result_var} ${found} PARENT_SCOPE)
endfunction()

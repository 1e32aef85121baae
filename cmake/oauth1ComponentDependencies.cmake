# Locates the third-party libraries behind oauth1's optional components: the HTTP client
# adapters (include/oauth1/adapters/<name>*.hpp) and the Redis nonce store.
#
# Used in two places with identical results: by the project's own CMakeLists.txt and by the
# installed oauth1Config.cmake (a copy of this file is installed next to it), so that
# `find_package(oauth1 CONFIG COMPONENTS curl)` re-finds exactly what the build used.
#
#   oauth1_find_component_dependency(<component> <result-var>)
#
# sets <result-var> to TRUE when the dependency of <component> was found, after making sure the
# imported target that the exported component target links to exists:
#   curl    -> CURL::libcurl            (CMake's FindCURL)
#   beast   -> Boost::headers, Threads::Threads, OpenSSL::SSL (for TLS)
#   httplib -> oauth1_deps::httplib     (upstream's httplib::httplib config if present, else
#                                        Debian's cpp-httplib.pc, else a bare httplib.h)
#   qt      -> Qt6::Core, Qt6::Network  (Qt's own Qt6Config.cmake, Qt 6.2 or newer)
#   poco    -> Poco::Net, Poco::NetSSL, Poco::Foundation (Poco's own PocoConfig.cmake)
#   redis   -> oauth1_deps::redis       (hiredis: upstream's hiredis::hiredis config if present,
#                                        else hiredis.pc, else hiredis/hiredis.h + libhiredis)
#
# To add a component: add a branch below and follow "HOOK" in the top-level CMakeLists.txt.

include_guard(GLOBAL)

macro(_oauth1_find_threads)
    if(NOT TARGET Threads::Threads)
        set(THREADS_PREFER_PTHREAD_FLAG ON)
        find_package(Threads QUIET)
    endif()
endmacro()

# Defines oauth1_deps::<name> (GLOBAL imported INTERFACE) linking <backend> and Threads.
function(_oauth1_define_dep name backend)
    _oauth1_find_threads()
    add_library(oauth1_deps::${name} INTERFACE IMPORTED GLOBAL)
    set_property(TARGET oauth1_deps::${name} PROPERTY
        INTERFACE_LINK_LIBRARIES ${backend} $<TARGET_NAME_IF_EXISTS:Threads::Threads>)
endfunction()

# pkg-config module <module> as GLOBAL imported target PkgConfig::OAUTH1_<NAME>; sets
# <out_var> to that target or "".
function(_oauth1_pkg_config name module out_var)
    set(${out_var} "" PARENT_SCOPE)
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
        string(TOUPPER "OAUTH1_${name}" prefix)
        pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
        if(TARGET PkgConfig::${prefix})
            set(${out_var} PkgConfig::${prefix} PARENT_SCOPE)
        endif()
    endif()
endfunction()

function(oauth1_find_component_dependency component result_var)
    set(found FALSE)
    if(component STREQUAL "curl")
        if(NOT TARGET CURL::libcurl)
            find_package(CURL QUIET)
        endif()
        if(TARGET CURL::libcurl)
            set(found TRUE)
        endif()
    elseif(component STREQUAL "beast")
        _oauth1_find_threads()
        if(NOT TARGET Boost::headers)
            find_package(Boost 1.81 QUIET)
        endif()
        # libssl for oauth1::beast::tls_transport (Boost.Asio's SSL stream).
        if(NOT TARGET OpenSSL::SSL)
            find_package(OpenSSL 3 QUIET COMPONENTS SSL)
        endif()
        if(TARGET Boost::headers AND TARGET Threads::Threads AND TARGET OpenSSL::SSL)
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
                _oauth1_pkg_config(httplib cpp-httplib backend)
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
            if(backend)
                _oauth1_define_dep(httplib ${backend})
            endif()
        endif()
        if(TARGET oauth1_deps::httplib)
            set(found TRUE)
        endif()
    elseif(component STREQUAL "qt")
        if(NOT TARGET Qt6::Network)
            find_package(Qt6 6.2 QUIET COMPONENTS Core Network)
        endif()
        if(TARGET Qt6::Core AND TARGET Qt6::Network)
            set(found TRUE)
        endif()
    elseif(component STREQUAL "poco")
        if(NOT TARGET Poco::Net OR NOT TARGET Poco::NetSSL)
            find_package(Poco QUIET CONFIG COMPONENTS Foundation Net NetSSL)
        endif()
        if(TARGET Poco::Foundation AND TARGET Poco::Net AND TARGET Poco::NetSSL)
            set(found TRUE)
        endif()
    elseif(component STREQUAL "redis")
        if(NOT TARGET oauth1_deps::redis)
            set(backend "")
            if(NOT TARGET hiredis::hiredis)
                find_package(hiredis CONFIG QUIET)
            endif()
            if(TARGET hiredis::hiredis)
                set(backend hiredis::hiredis)
            else()
                _oauth1_pkg_config(redis hiredis backend)
            endif()
            if(NOT backend)
                find_path(OAUTH1_HIREDIS_INCLUDE_DIR hiredis/hiredis.h)
                find_library(OAUTH1_HIREDIS_LIBRARY hiredis)
                if(OAUTH1_HIREDIS_INCLUDE_DIR AND OAUTH1_HIREDIS_LIBRARY)
                    add_library(oauth1_deps_hiredis UNKNOWN IMPORTED GLOBAL)
                    set_target_properties(oauth1_deps_hiredis PROPERTIES
                        IMPORTED_LOCATION "${OAUTH1_HIREDIS_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${OAUTH1_HIREDIS_INCLUDE_DIR}")
                    set(backend oauth1_deps_hiredis)
                endif()
            endif()
            if(backend)
                _oauth1_define_dep(redis ${backend})
            endif()
        endif()
        if(TARGET oauth1_deps::redis)
            set(found TRUE)
        endif()
    else()
        message(FATAL_ERROR "oauth1: unknown component '${component}'")
    endif()
    set(${result_var} ${found} PARENT_SCOPE)
endfunction()

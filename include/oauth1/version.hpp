// oauth1/version.hpp - the library version.
#ifndef OAUTH1_VERSION_HPP
#define OAUTH1_VERSION_HPP

#define OAUTH1_VERSION_MAJOR 0
#define OAUTH1_VERSION_MINOR 1
#define OAUTH1_VERSION_PATCH 0
/// MAJOR * 10000 + MINOR * 100 + PATCH
#define OAUTH1_VERSION                                                                             \
    (OAUTH1_VERSION_MAJOR * 10000 + OAUTH1_VERSION_MINOR * 100 + OAUTH1_VERSION_PATCH)

#endif // OAUTH1_VERSION_HPP

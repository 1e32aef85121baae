// oauth1/config.hpp - header-only (the default) or separate compilation.
//
// oauth1 is header-only: including a header is all it takes. A program with many translation units
// that include oauth1 can instead compile oauth1's non-template code once (the pattern of
// Boost.Asio and Boost.Beast):
//
//   - define OAUTH1_SEPARATE_COMPILATION for the whole program (every TU that includes oauth1);
//   - in exactly one source file, `#include <oauth1/src.hpp>` (CMake: link the target
//     oauth1::separate, which does both; Meson: the dependency oauth1_separate_dep).
//
// The headers then only declare the signing core (client.hpp), the URL parser (base_string.hpp;
// Boost.URL's headers are then not included: a program calling parse_request_url includes
// <boost/url/url_view.hpp> itself) and the error category, and the clients and signers of the
// built-in signature methods are `extern template`, so a TU that signs a request compiles the
// calls, not the library (benchmarks/compile_cost.sh measures both modes). The behaviour and the
// signatures are the same in both modes; mixing the two modes in one program is an ODR violation.
#ifndef OAUTH1_CONFIG_HPP
#define OAUTH1_CONFIG_HPP

#if defined(OAUTH1_SEPARATE_COMPILATION)
/// Declares a non-template function that oauth1/src.hpp defines once.
#define OAUTH1_DECL
#else
/// Declares a non-template function defined in the headers (header-only mode).
#define OAUTH1_DECL inline
#endif

#endif // OAUTH1_CONFIG_HPP

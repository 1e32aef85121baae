// The one source file of a consumer that compiles oauth1's non-template code itself (an installed
// oauth1 ships oauth1/src.hpp and the impl/*.ipp files it includes).
#include <oauth1/src.hpp>

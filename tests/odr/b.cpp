// ODR check, part 2 of 2: see a.cpp.
#include "oauth1_all_headers.hpp"

int oauth1_odr_b()
{
    return 42;
}

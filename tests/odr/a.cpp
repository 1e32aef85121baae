// ODR check, part 1 of 2: a.cpp and b.cpp both include every oauth1 header (list generated at
// configure time) and are linked into one program. A non-inline function or variable defined
// in a header then fails the link with a duplicate definition.
#include "oauth1_all_headers.hpp"

int oauth1_odr_b();

int main()
{
    return oauth1_odr_b() == 42 ? 0 : 1;
}

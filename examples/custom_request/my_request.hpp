// The README's "your own request type" adapter: a complete oauth1::request_traits specialisation
// for a request struct of the user's HTTP stack. Compiled and tested by
// tests/unit/request_traits.cpp and examples/custom_request/main.cpp.
#ifndef OAUTH1_EXAMPLE_MY_REQUEST_HPP
#define OAUTH1_EXAMPLE_MY_REQUEST_HPP

#include <oauth1/request_traits.hpp>

#include <map>
#include <string>
#include <string_view>

// -- README snippet begins --
struct my_request { // your HTTP stack's request type
    std::string verb, url, body;
    std::map<std::string, std::string> headers;
};

template <>
struct oauth1::request_traits<my_request> {
    static std::string_view method(const my_request& r) { return r.verb; }
    static std::string_view url(const my_request& r) { return r.url; }
    static std::string_view body(const my_request& r) { return r.body; }
    static std::string_view content_type(const my_request& r)
    {
        const auto it = r.headers.find("Content-Type");
        return it == r.headers.end() ? std::string_view{} : std::string_view(it->second);
    }
    static void set_header(my_request& r, std::string_view name, std::string_view value)
    {
        r.headers[std::string(name)] = std::string(value);
    }
};
// -- README snippet ends --

#endif // OAUTH1_EXAMPLE_MY_REQUEST_HPP

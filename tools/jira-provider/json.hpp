// json.hpp - jira-provider's JSON, on Boost.JSON (only jira-provider uses JSON; the oauth1
// library never does): reading request bodies with bounded nesting and errors that say what is
// wrong and where, and the accessors the REST resources use.
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_JSON_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_JSON_HPP

#include <boost/json.hpp>

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace jira_provider::detail {

/// The deepest nesting of arrays and objects a JSON body may have.
inline constexpr std::size_t json_max_depth = 64;

/// Describes the byte at `offset` of `text` for an error message: "'x'", "byte 0x0a", or "the
/// end of the body".
inline std::string json_byte_at(std::string_view text, std::size_t offset)
{
    if (offset >= text.size()) return "the end of the body";
    const auto u = static_cast<unsigned char>(text[offset]);
    if (u >= 0x20 && u < 0x7F) return std::string("'") + text[offset] + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", static_cast<unsigned>(u));
    return buf;
}

/// Parses `text` as one JSON value (RFC 8259: no comments, no trailing commas, valid UTF-8,
/// nested at most json_max_depth deep). On failure returns nullopt and sets `error` to what is
/// wrong and its byte offset, e.g. "unexpected ']' at offset 3 (syntax error)".
inline std::optional<boost::json::value> parse_json(std::string_view text, std::string& error)
{
    boost::json::parse_options po;
    po.max_depth = json_max_depth;
    boost::json::stream_parser p(boost::json::storage_ptr(), po);
    boost::json::error_code ec;
    const std::size_t n = p.write_some(text.data(), text.size(), ec);
    const std::string where = " at offset " + std::to_string(n);
    if (!ec && n < text.size()) {
        error = "unexpected text after the JSON value" + where + " (" + json_byte_at(text, n) + ")";
        return std::nullopt;
    }
    if (!ec) p.finish(ec);
    if (!ec) return p.release();
    if (ec == boost::json::error::too_deep)
        error = "JSON nested deeper than " + std::to_string(json_max_depth) + " levels" + where;
    else if (ec == boost::json::error::incomplete || n >= text.size())
        error = "the JSON value is incomplete: the body ends" + where;
    else
        error = "unexpected " + json_byte_at(text, n) + where + " (" + ec.message() + ")";
    return std::nullopt;
}

/// The member `name` of `v` when `v` is an object (the last one if repeated), or nullptr.
inline const boost::json::value* json_member(const boost::json::value& v, std::string_view name)
{
    const boost::json::object* o = v.if_object();
    return o ? o->if_contains(name) : nullptr;
}

/// The member `name` of `v` when it is a string, or nullptr.
inline const boost::json::string* json_string_member(const boost::json::value& v,
                                                     std::string_view name)
{
    const boost::json::value* m = json_member(v, name);
    return m ? m->if_string() : nullptr;
}

} // namespace jira_provider::detail

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_JSON_HPP

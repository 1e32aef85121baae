// oauth1/detail/loopback_request.hpp - private (not part of oauth1's API): what loopback_callback
// reads from a browser. An incremental reader of one HTTP/1.x request head with hard limits
// (each byte looked at once: linear time; never more than the limit held: bounded memory), the
// request line split into method and target, and the callback's answer pages.
#ifndef OAUTH1_DETAIL_LOOPBACK_REQUEST_HPP
#define OAUTH1_DETAIL_LOOPBACK_REQUEST_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace oauth1::detail {

/// Where the reading of a request head stands.
enum class head_state {
    incomplete,    ///< more bytes needed
    complete,      ///< the head ends with an empty line
    line_too_long, ///< the request line is longer than its limit (414)
    too_large,     ///< the head is larger than its limit (431)
};

/// Reads one request head (request line and header fields, up to the empty line). The body, if
/// any, is never read: the callback is a GET.
class request_head_reader {
public:
    request_head_reader(std::size_t max_request_line, std::size_t max_head)
        : max_line_(max_request_line), max_head_(max_head)
    {}

    /// Takes the next bytes received; once the state is not `incomplete` it stays so.
    head_state feed(std::string_view bytes)
    {
        if (state_ != head_state::incomplete) return state_;
        const std::size_t room = max_head_ - buf_.size();
        const bool truncated = bytes.size() > room;
        if (truncated) bytes = bytes.substr(0, room);
        for (const char c : bytes) {
            buf_.push_back(c);
            if (c == '\n') {
                if (line_end_ == std::string::npos) line_end_ = buf_.size() - 1;
                if (at_line_start_) return state_ = head_state::complete;
                at_line_start_ = true;
            } else if (c != '\r') {
                at_line_start_ = false;
            }
            if (line_end_ == std::string::npos && buf_.size() > max_line_)
                return state_ = head_state::line_too_long;
        }
        if (truncated || buf_.size() >= max_head_) return state_ = head_state::too_large;
        return state_;
    }

    head_state state() const noexcept { return state_; }

    /// The request line without its line ending (valid once complete).
    std::string_view request_line() const noexcept
    {
        if (line_end_ == std::string::npos) return {};
        std::string_view l(buf_.data(), line_end_);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        return l;
    }

private:
    std::size_t max_line_;
    std::size_t max_head_;
    std::string buf_;
    std::size_t line_end_ = std::string::npos;
    // The first line cannot be the empty line that ends the head.
    bool at_line_start_ = false;
    head_state state_ = head_state::incomplete;
};

/// A request line split in its three parts; false when it is not "METHOD SP TARGET SP HTTP/1.x".
inline bool split_request_line(std::string_view line, std::string_view& method,
                               std::string_view& target)
{
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) return false;
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return false;
    const std::string_view version = line.substr(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return false;
    method = line.substr(0, sp1);
    target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    return true;
}

/// A complete HTTP/1.1 answer with a small HTML page; the connection is closed after it.
inline std::string html_answer(int status, std::string_view reason, std::string_view title,
                               std::string_view text)
{
    std::string body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    body.append(title);
    body += "</title></head>\n<body>\n<h1>";
    body.append(title);
    body += "</h1>\n<p>";
    body.append(text);
    body += "</p>\n</body></html>\n";
    std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
    out.append(reason);
    out += "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
           std::to_string(body.size()) +
           "\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: "
           "close\r\n\r\n";
    out += body;
    return out;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_LOOPBACK_REQUEST_HPP

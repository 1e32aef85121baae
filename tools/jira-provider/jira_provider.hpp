// jira_provider.hpp - a local JIRA-like OAuth 1.0a provider (RFC 5849) on cpp-httplib, built on
// oauth1's provider side (oauth1::verifier, memory_nonce_store, problem reporting).
//
// It answers the endpoints of Atlassian's "OAuth for REST APIs" tutorial the way JIRA does:
//
//   POST /plugins/servlet/oauth/request-token   temporary credentials (RFC 5849 2.1)
//   GET  /plugins/servlet/oauth/authorize        resource owner authorization page (2.2)
//   POST /plugins/servlet/oauth/authorize        the Allow / Deny decision
//   POST /plugins/servlet/oauth/access-token    token credentials (2.3)
//   GET|PUT|DELETE /rest/api/{2|latest}/issue/{key}, POST /rest/api/{2|latest}/issue,
//   GET  /rest/api/{2|latest}/myself             protected resources (3), signed with an access
//                                                token
//   GET|POST /admin/revoke                       NOT JIRA: a page and its form that revoke an
//                                                access token (tests; loopback peers only)
//
// Every OAuth failure is answered as JIRA does: 401, `WWW-Authenticate: OAuth realm="...",
// oauth_problem="..."` and a form body `oauth_problem=...` (with the provider's
// oauth_signature_base_string for signature_invalid).
//
// Hostile input (see oauth1's httplib_server.hpp): requests are verified as addressed to the
// provider's own origin (http://127.0.0.1:<port>, never the client's Host header); bodies are
// screened before cpp-httplib reads them (oauth1::httplib::harden_server: no compressed or
// chunked bodies, Content-Length at most options::max_body_bytes; no multi-range requests),
// and the verifier parses at most the request_limits of authenticate(). The authorize and
// revoke forms carry a per-page anti-CSRF token (atl_token, as JIRA names it: random, bound to
// the token the page is about, compared in constant time; a POST without it is refused with
// 403) and are answered only to a Host naming this provider (no DNS rebinding). A request
// token whose exchange was tried with options::max_verifier_attempts wrong oauth_verifier
// values is rejected for good. PLAINTEXT, which sends the secrets, is refused over http (the
// only scheme jira-provider serves), even for a consumer that lists it.
//
//   jira_provider::provider p(jira_provider::load_consumers_file("consumers.properties"), {});
//   const int port = p.start();   // 127.0.0.1, kernel-chosen port; p.stop() or ~provider() ends it
//
// Consumers file format (properties style, one setting per line, '#' or '!' starts a comment):
//
//   consumer.<key>.name=<application name shown on the authorize page>   (default: the key)
//   consumer.<key>.public_key=<path to a PEM/DER public key or X.509 certificate, relative to the
//                              file's directory; or an inline "-----BEGIN ...-----" PEM on one
//                              line; or the key as headerless base64 on one line>
//   consumer.<key>.secret=<shared secret for HMAC-SHA* / PLAINTEXT>
//   consumer.<key>.methods=<comma-separated signature methods, e.g. RSA-SHA1>
//                          (default: RSA-SHA1 with a public_key, HMAC-SHA1 with a secret)
//
// The consumer key is everything between "consumer." and the last '.'.
//
// Not JIRA: there is no user login (whoever reaches the loopback port decides on the authorize
// page, as user "admin"), and state lives in memory only. cpp-httplib 0.11.4 percent-decodes
// request header values before handlers see them; oauth1::httplib::verify() re-encodes the
// Authorization parameters first (see httplib_server.hpp), so callbacks with %-escapes verify.
#ifndef OAUTH1_EXAMPLES_JIRA_PROVIDER_HPP
#define OAUTH1_EXAMPLES_JIRA_PROVIDER_HPP

#include <oauth1/adapters/httplib_server.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <boost/url/parse.hpp>

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace jira_provider {

// ---- configuration --------------------------------------------------------------------------

/// One registered consumer (JIRA: an incoming Application Link).
struct consumer {
    std::string key;
    /// Application name shown on the authorize page.
    std::string name;
    oauth1::consumer_credentials credentials;
};

/// A consumers file that cannot be used; what() names the file and line.
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// How the provider behaves. Defaults are JIRA's.
struct options {
    /// Lifetime of request tokens, seconds (JIRA: 10 minutes).
    std::uint64_t request_token_lifetime = 600;
    /// Lifetime of access tokens, seconds (JIRA: 5 years; it answers oauth_expires_in=157680000).
    std::uint64_t access_token_lifetime = 157680000;
    /// Accepted distance between oauth_timestamp and the provider's clock (RFC 5849 3.3), seconds.
    std::uint64_t timestamp_window = 300;
    /// Seconds added to the provider's clock (negative: behind), for clock-skew tests.
    std::int64_t clock_offset = 0;
    /// The GET of the authorize page approves at once (for scripts: no browser needed).
    bool auto_approve = false;
    /// realm of WWW-Authenticate; empty: the base URL, as JIRA does.
    std::string realm;
    /// Largest request body accepted, bytes (larger ones are refused with 413 before they are
    /// read); also the verifier's limit for the bodies it parses or hashes.
    std::size_t max_body_bytes = 1024 * 1024;
    /// Wrong oauth_verifier values tried on one request token before it is rejected for good
    /// (token_rejected, even with the right verifier afterwards). 0 counts as 1.
    unsigned max_verifier_attempts = 5;
    /// Receives one line per request (method, path, status, problem) when set. Never secrets,
    /// signatures, token values or Authorization headers.
    std::function<void(const std::string&)> log;
};

namespace detail {

inline std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

inline bool is_base64_text(std::string_view s) noexcept
{
    for (const char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
        if (!ok) return false;
    }
    return !s.empty();
}

/// Rebuilds a PEM written on one line ("-----BEGIN X-----MIIB...-----END X-----", possibly with
/// literal "\n" escapes) into the multi-line form OpenSSL reads.
inline std::string unfold_inline_pem(std::string_view v)
{
    const std::string_view dashes = "-----";
    const std::size_t label_begin = std::string_view("-----BEGIN ").size();
    const std::size_t label_end = v.find(dashes, label_begin);
    if (label_end == std::string_view::npos) return std::string(v);
    const std::string_view label = v.substr(label_begin, label_end - label_begin);
    const std::string footer = "-----END " + std::string(label) + "-----";
    const std::size_t body_begin = label_end + dashes.size();
    const std::size_t footer_at = v.find(footer, body_begin);
    if (footer_at == std::string_view::npos) return std::string(v);
    std::string body;
    const std::string_view raw = v.substr(body_begin, footer_at - body_begin);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'n') {
            ++i;
            continue;
        }
        if (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') continue;
        body.push_back(raw[i]);
    }
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    for (std::size_t i = 0; i < body.size(); i += 64) {
        out.append(body, i, 64);
        out.push_back('\n');
    }
    out += footer;
    out.push_back('\n');
    return out;
}

inline std::string directory_of(const std::string& path)
{
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

} // namespace detail

/// Parses a consumers file's text (format at the top of this header). `base_dir` resolves
/// relative key paths; `source` names the file in messages. Throws config_error naming the line.
inline std::vector<consumer> parse_consumers(std::string_view text, const std::string& base_dir,
                                             const std::string& source)
{
    struct pending {
        consumer c;
        std::size_t first_line = 0;
        std::size_t methods_line = 0;
        bool has_key = false;
        bool has_name = false;
        bool has_secret = false;
        bool has_methods = false;
    };
    std::vector<pending> found;
    const auto fail = [&source](std::size_t line, const std::string& what) -> config_error {
        return config_error(source + ": line " + std::to_string(line) + ": " + what);
    };
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = detail::trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        ++line_no;
        if (line.empty() || line.front() == '#' || line.front() == '!') continue;
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos)
            throw fail(line_no, "expected 'consumer.<key>.<property>=<value>', found no '='");
        const std::string_view name = detail::trim(line.substr(0, eq));
        const std::string_view value = detail::trim(line.substr(eq + 1));
        constexpr std::string_view prefix = "consumer.";
        const std::size_t dot = name.rfind('.');
        if (name.substr(0, prefix.size()) != prefix || dot == std::string_view::npos ||
            dot < prefix.size() + 1)
            throw fail(line_no, "expected 'consumer.<key>.<property>=<value>', found '" +
                                    std::string(name) + "'");
        const std::string key(name.substr(prefix.size(), dot - prefix.size()));
        const std::string_view property = name.substr(dot + 1);
        pending* p = nullptr;
        for (pending& f : found)
            if (f.c.key == key) p = &f;
        if (!p) {
            found.emplace_back();
            p = &found.back();
            p->c.key = key;
            p->c.credentials.methods = {};
            p->first_line = line_no;
        }
        const auto once = [&](bool& seen) {
            if (seen)
                throw fail(line_no,
                           "consumer '" + key + "': '" + std::string(property) + "' given twice");
            seen = true;
        };
        if (value.empty())
            throw fail(line_no,
                       "consumer '" + key + "': empty value for '" + std::string(property) + "'");
        if (property == "name") {
            once(p->has_name);
            p->c.name = std::string(value);
        } else if (property == "secret") {
            once(p->has_secret);
            p->c.credentials.secret = std::string(value);
        } else if (property == "methods") {
            once(p->has_methods);
            p->methods_line = line_no;
            std::size_t from = 0;
            while (from <= value.size()) {
                std::size_t comma = value.find(',', from);
                if (comma == std::string_view::npos) comma = value.size();
                const std::string_view m = detail::trim(value.substr(from, comma - from));
                from = comma + 1;
                const auto method = oauth1::parse_signature_method(m);
                if (!method)
                    throw fail(line_no, "consumer '" + key + "': unknown signature method '" +
                                            std::string(m) +
                                            "' (known: HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, "
                                            "RSA-SHA1, RSA-SHA256, RSA-SHA512, PLAINTEXT)");
                p->c.credentials.methods.add(*method);
            }
        } else if (property == "public_key") {
            once(p->has_key);
            try {
                if (value.substr(0, 11) == "-----BEGIN ") {
                    p->c.credentials.rsa_key =
                        oauth1::load_public_key(detail::unfold_inline_pem(value));
                } else if (value.size() >= 64 && detail::is_base64_text(value)) {
                    p->c.credentials.rsa_key = oauth1::load_public_key(value);
                } else {
                    std::string path(value);
                    if (path.front() != '/') path = base_dir + "/" + path;
                    p->c.credentials.rsa_key = oauth1::load_public_key_file(path);
                }
            } catch (const oauth1::error& e) {
                throw fail(line_no, "consumer '" + key + "': public_key: " + e.what());
            }
            if (!p->c.credentials.rsa_key.is_rsa())
                throw fail(line_no, "consumer '" + key + "': public_key is not an RSA key");
        } else {
            throw fail(line_no, "unknown property '" + std::string(property) + "' of consumer '" +
                                    key + "' (known: name, public_key, secret, methods)");
        }
    }
    std::vector<consumer> out;
    for (pending& p : found) {
        if (!p.has_key && !p.has_secret)
            throw fail(p.first_line,
                       "consumer '" + p.c.key + "' has neither public_key nor secret");
        oauth1::method_set& ms = p.c.credentials.methods;
        if (!p.has_methods) {
            if (p.has_key) ms.add(oauth1::signature_method::rsa_sha1);
            if (p.has_secret) ms.add(oauth1::signature_method::hmac_sha1);
        }
        const bool rsa = ms.contains(oauth1::signature_method::rsa_sha1) ||
                         ms.contains(oauth1::signature_method::rsa_sha256) ||
                         ms.contains(oauth1::signature_method::rsa_sha512);
        const bool shared = ms.contains(oauth1::signature_method::hmac_sha1) ||
                            ms.contains(oauth1::signature_method::hmac_sha256) ||
                            ms.contains(oauth1::signature_method::hmac_sha512) ||
                            ms.contains(oauth1::signature_method::plaintext);
        if (rsa && !p.has_key)
            throw fail(p.methods_line, "consumer '" + p.c.key + "': RSA methods need a public_key");
        if (shared && !p.has_secret)
            throw fail(p.methods_line,
                       "consumer '" + p.c.key + "': HMAC/PLAINTEXT methods need a secret");
        if (p.c.name.empty()) p.c.name = p.c.key;
        out.push_back(std::move(p.c));
    }
    return out;
}

/// Reads and parses a consumers file; relative key paths resolve against its directory.
inline std::vector<consumer> load_consumers_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw config_error(path + ": cannot open the consumers file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw config_error(path + ": cannot read the consumers file");
    return parse_consumers(text.str(), detail::directory_of(path), path);
}

// ---- small helpers: randomness, HTML, JSON ----------------------------------------------------

namespace detail {

/// `n` characters from [A-Za-z0-9], from OpenSSL's CSPRNG without modulo bias.
inline std::string random_alnum(std::size_t n)
{
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    out.reserve(n);
    unsigned char buf[64];
    while (out.size() < n) {
        if (RAND_bytes(buf, static_cast<int>(sizeof buf)) != 1)
            throw std::runtime_error("the CSPRNG (RAND_bytes) failed");
        for (const unsigned char b : buf) {
            // 248 = 4 * 62: bytes above it are dropped so that every character is equally likely.
            if (b >= 248) continue;
            out.push_back(alphabet[b % 62]);
            if (out.size() == n) break;
        }
    }
    return out;
}

inline std::string html_escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

/// A JSON string literal (with quotes).
inline std::string json_string(std::string_view s)
{
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15U]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

/// A parsed JSON value: just enough JSON to read an issue's fields (no library dependency).
struct json_value {
    enum class type { null, boolean, number, string, array, object };
    type kind = type::null;
    bool boolean = false;
    /// The string's decoded value, or the number's text.
    std::string text;
    std::vector<json_value> items;
    /// Object members: names[i] -> items[i].
    std::vector<std::string> names;

    /// The member `name` of an object (the last one if repeated), or nullptr.
    const json_value* get(std::string_view name) const noexcept
    {
        if (kind != type::object) return nullptr;
        const json_value* found = nullptr;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == name) found = &items[i];
        return found;
    }
    /// The string value of member `name`, when it is a string.
    const std::string* get_string(std::string_view name) const noexcept
    {
        const json_value* v = get(name);
        return v && v->kind == type::string ? &v->text : nullptr;
    }
};

class json_parser {
public:
    explicit json_parser(std::string_view s) noexcept : s_(s) {}

    /// Parses the whole input; on failure `error` says what and where.
    bool parse(json_value& out, std::string& error)
    {
        skip_ws();
        if (!value(out, 0)) {
            error = error_ + " at offset " + std::to_string(i_);
            return false;
        }
        skip_ws();
        if (i_ != s_.size()) {
            error = "unexpected text after the JSON value at offset " + std::to_string(i_);
            return false;
        }
        return true;
    }

private:
    static constexpr int max_depth = 64;

    bool fail(const char* what)
    {
        error_ = what;
        return false;
    }
    void skip_ws() noexcept
    {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
            ++i_;
    }
    bool literal(std::string_view word)
    {
        if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
        i_ += word.size();
        return true;
    }
    bool value(json_value& v, int depth)
    {
        if (depth > max_depth) return fail("JSON nested too deeply");
        if (i_ >= s_.size()) return fail("unexpected end of JSON");
        const char c = s_[i_];
        if (c == '{') return object(v, depth);
        if (c == '[') return array(v, depth);
        if (c == '"') {
            v.kind = json_value::type::string;
            return string(v.text);
        }
        if (c == 't') {
            v.kind = json_value::type::boolean;
            v.boolean = true;
            return literal("true");
        }
        if (c == 'f') {
            v.kind = json_value::type::boolean;
            return literal("false");
        }
        if (c == 'n') return literal("null");
        if (c == '-' || (c >= '0' && c <= '9')) return number(v);
        return fail("unexpected character");
    }
    bool digits()
    {
        const std::size_t b = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
        return i_ > b;
    }
    bool number(json_value& v)
    {
        const std::size_t b = i_;
        if (s_[i_] == '-') ++i_;
        if (i_ < s_.size() && s_[i_] == '0') {
            ++i_;
        } else if (!digits()) {
            return fail("invalid number");
        }
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            if (!digits()) return fail("invalid number");
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            if (!digits()) return fail("invalid number");
        }
        v.kind = json_value::type::number;
        v.text.assign(s_.substr(b, i_ - b));
        return true;
    }
    bool hex4(unsigned& out)
    {
        if (s_.size() - i_ < 4) return fail("invalid \\u escape");
        out = 0;
        for (int k = 0; k < 4; ++k) {
            const char h = s_[i_++];
            unsigned d = 0;
            if (h >= '0' && h <= '9')
                d = static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
                d = static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                d = static_cast<unsigned>(h - 'A' + 10);
            else
                return fail("invalid \\u escape");
            out = out * 16 + d;
        }
        return true;
    }
    static void utf8(unsigned cp, std::string& out)
    {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    bool string(std::string& out)
    {
        ++i_; // opening quote
        while (true) {
            if (i_ >= s_.size()) return fail("unterminated string");
            const char c = s_[i_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (i_ >= s_.size()) return fail("unterminated string");
            const char e = s_[i_++];
            switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo = 0;
                    if (s_.substr(i_, 2) != "\\u") return fail("unpaired surrogate");
                    i_ += 2;
                    if (!hex4(lo)) return false;
                    if (lo < 0xDC00 || lo > 0xDFFF) return fail("unpaired surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return fail("unpaired surrogate");
                }
                utf8(cp, out);
                break;
            }
            default: return fail("invalid escape in string");
            }
        }
    }
    bool array(json_value& v, int depth)
    {
        v.kind = json_value::type::array;
        ++i_;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ']') {
            ++i_;
            return true;
        }
        while (true) {
            skip_ws();
            v.items.emplace_back();
            if (!value(v.items.back(), depth + 1)) return false;
            skip_ws();
            if (i_ >= s_.size()) return fail("unterminated array");
            if (s_[i_] == ']') {
                ++i_;
                return true;
            }
            if (s_[i_] != ',') return fail("expected ',' or ']'");
            ++i_;
        }
    }
    bool object(json_value& v, int depth)
    {
        v.kind = json_value::type::object;
        ++i_;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == '}') {
            ++i_;
            return true;
        }
        while (true) {
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a member name");
            v.names.emplace_back();
            if (!string(v.names.back())) return false;
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
            ++i_;
            skip_ws();
            v.items.emplace_back();
            if (!value(v.items.back(), depth + 1)) return false;
            skip_ws();
            if (i_ >= s_.size()) return fail("unterminated object");
            if (s_[i_] == '}') {
                ++i_;
                return true;
            }
            if (s_[i_] != ',') return fail("expected ',' or '}'");
            ++i_;
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
    std::string error_;
};

/// Parses `text` as JSON; nullopt (and `error`) when it is not valid JSON.
inline std::optional<json_value> parse_json(std::string_view text, std::string& error)
{
    json_value v;
    json_parser p(text);
    if (!p.parse(v, error)) return std::nullopt;
    return v;
}

/// JIRA's date format: 2017-03-06T14:38:08.000+0000.
inline std::string jira_time(std::uint64_t seconds)
{
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000+0000", &tm);
    return std::string(buf, n);
}

/// An absolute http(s) URL usable as an OAuth callback (RFC 5849 2.1); a fragment is allowed.
inline bool is_callback_url(std::string_view s)
{
    const auto u = boost::urls::parse_uri(s);
    if (!u) return false;
    const auto scheme = u->scheme_id();
    return (scheme == boost::urls::scheme::http || scheme == boost::urls::scheme::https) &&
           u->has_authority() && !u->encoded_host().empty();
}

/// `callback` with oauth_token and oauth_verifier added to its query (before any fragment).
inline std::string callback_with(std::string_view callback, std::string_view token,
                                 std::string_view verifier)
{
    const std::size_t hash = callback.find('#');
    const std::string_view head = callback.substr(0, hash);
    std::string out(head);
    if (head.find('?') == std::string_view::npos)
        out.push_back('?');
    else if (out.back() != '?' && out.back() != '&')
        out.push_back('&');
    out += "oauth_token=";
    oauth1::percent_encode_append(token, out);
    out += "&oauth_verifier=";
    oauth1::percent_encode_append(verifier, out);
    if (hash != std::string_view::npos) out.append(callback.substr(hash));
    return out;
}

/// Printable form of a path for the log (control and non-ASCII bytes as '?').
inline std::string printable(std::string_view s)
{
    std::string out;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u >= 0x7F ? '?' : c);
    }
    return out;
}

/// a + b, or the largest value when that overflows (lifetimes may be given as huge numbers).
inline std::uint64_t add_saturated(std::uint64_t a, std::uint64_t b) noexcept
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/// The problem of the request being answered on this thread, for the log line.
inline std::string& current_problem()
{
    thread_local std::string problem;
    return problem;
}

} // namespace detail

// ---- the provider -----------------------------------------------------------------------------

/// A JIRA-like OAuth 1.0a provider listening on 127.0.0.1. Thread-safe (cpp-httplib serves from
/// a thread pool; the token and issue tables are guarded by one mutex). Not copyable or movable:
/// the server's handlers refer to it.
class provider {
public:
    provider(std::vector<consumer> consumers, options opts)
        : opts_(std::move(opts)), clock_offset_(opts_.clock_offset),
          nonces_(opts_.timestamp_window),
          verifier_(consumer_lookup{this}, token_lookup{this}, nonces_, offset_clock{this})
    {
        for (consumer& c : consumers) {
            std::string key = c.key;
            consumers_.insert_or_assign(std::move(key), std::move(c));
        }
        seed_issues();
        install_routes();
    }
    provider(const provider&) = delete;
    provider& operator=(const provider&) = delete;
    ~provider() { stop(); }

    /// Binds `host`:`port` (0: a port the kernel chooses), starts serving on a background thread
    /// and returns the port once the server accepts connections. Call it once per provider. Throws
    /// std::runtime_error when the address cannot be bound, std::logic_error when already started.
    int start(const std::string& host = "127.0.0.1", int port = 0)
    {
        if (thread_.joinable()) throw std::logic_error("jira_provider: already started");
        if (port < 0 || port > 65535) throw std::runtime_error("jira_provider: invalid port");
        const int bound = port == 0 ? server_.bind_to_any_port(host)
                                    : (server_.bind_to_port(host, port) ? port : -1);
        if (bound <= 0)
            throw std::runtime_error(
                "jira_provider: cannot listen on " + host + ":" +
                (port == 0 ? std::string("<any port>") : std::to_string(port)));
        port_ = bound;
        const std::string port_text = std::to_string(port_);
        authority_ =
            (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port_text;
        base_url_ = "http://" + authority_;
        // Requests are verified as addressed to this origin, whatever their Host header says.
        origin_.emplace("http", authority_);
        own_hosts_ = {authority_, "localhost:" + port_text, "127.0.0.1:" + port_text,
                      "[::1]:" + port_text};
        realm_ = opts_.realm.empty() ? base_url_ : opts_.realm;
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        for (int i = 0; i < 2000 && !server_.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return port_;
    }

    /// Stops serving and joins the server thread (idempotent).
    void stop()
    {
        if (!thread_.joinable()) return;
        server_.stop();
        thread_.join();
    }

    int port() const noexcept { return port_; }
    /// "http://127.0.0.1:<port>" (after start()).
    const std::string& base_url() const noexcept { return base_url_; }
    const std::string& realm() const noexcept { return realm_; }

    /// The provider's clock: seconds since the epoch plus the clock offset.
    std::uint64_t now() const noexcept
    {
        const std::uint64_t sys = oauth1::system_clock{}();
        const std::int64_t offset = clock_offset_.load();
        if (offset >= 0) return detail::add_saturated(sys, static_cast<std::uint64_t>(offset));
        // -(offset + 1) + 1 avoids negating INT64_MIN.
        const std::uint64_t back = static_cast<std::uint64_t>(-(offset + 1)) + 1;
        return sys > back ? sys - back : 0;
    }
    /// Skews the provider's clock (tests: expire tokens without waiting, refuse timestamps).
    void set_clock_offset(std::int64_t seconds) noexcept { clock_offset_.store(seconds); }
    std::int64_t clock_offset() const noexcept { return clock_offset_.load(); }

private:
    // ---- state ----
    enum class decision { pending, approved, denied };

    struct token_entry {
        std::string consumer_key;
        std::string secret;
        oauth1::token_kind kind = oauth1::token_kind::request;
        std::uint64_t expires = 0;
        bool used = false;    // request token exchanged
        bool revoked = false; // access token revoked
        // The anti-CSRF token of this token's page (authorize or revoke): 32 characters from
        // RAND_bytes, shown only on that page.
        std::string page_token;
        // request tokens only:
        std::string callback;
        decision state = decision::pending;
        std::string verifier;
        unsigned wrong_verifiers = 0;
        bool rejected = false; // too many wrong verifiers
    };

    struct issue {
        std::uint64_t id = 0;
        std::string key;
        std::string summary;
        std::optional<std::string> description;
        std::string issuetype = "Task";
        std::uint64_t created = 0;
        std::uint64_t updated = 0;
    };

    // ---- the verifier's callables ----
    struct consumer_lookup {
        const provider* self;
        const oauth1::consumer_credentials* operator()(std::string_view key) const
        {
            const auto it = self->consumers_.find(key);
            return it == self->consumers_.end() ? nullptr : &it->second.credentials;
        }
    };
    struct token_lookup {
        const provider* self;
        std::optional<oauth1::token_credentials> operator()(std::string_view consumer_key,
                                                            std::string_view token) const
        {
            const std::uint64_t now = self->now();
            const std::lock_guard<std::mutex> lock(self->mutex_);
            (void)consumer_key; // the verifier refuses a token issued to another consumer
            const auto it = self->tokens_.find(token);
            if (it == self->tokens_.end() || it->second.rejected) return std::nullopt;
            const token_entry& t = it->second;
            oauth1::token_credentials c(t.consumer_key, t.secret, t.kind);
            if (t.revoked)
                c.state = oauth1::token_state::revoked;
            else if (t.used)
                c.state = oauth1::token_state::used;
            else if (now >= t.expires)
                c.state = oauth1::token_state::expired;
            return c;
        }
    };
    struct offset_clock {
        const provider* self;
        std::uint64_t operator()() const noexcept { return self->now(); }
    };
    using verifier_type =
        oauth1::verifier<consumer_lookup, token_lookup, oauth1::memory_nonce_store, offset_clock>;

    // ---- answers ----
    void refuse(::httplib::Response& res, oauth1::problem_report report) const
    {
        // JIRA answers every OAuth problem with 401 (oauth1::httplib::refuse uses 400 for some).
        res.status = 401;
        res.set_header("WWW-Authenticate", oauth1::www_authenticate(report, realm_));
        const bool with_base = report.code == oauth1::problem::signature_invalid;
        res.set_content(oauth1::problem_body(report, with_base),
                        "application/x-www-form-urlencoded");
        detail::current_problem() = report.name;
    }

    void refuse(::httplib::Response& res, oauth1::problem p, std::string advice = {}) const
    {
        oauth1::problem_report r(p);
        r.advice = std::move(advice);
        refuse(res, std::move(r));
    }

    /// Verifies `req`; on failure answers it (401 with the problem, or 503 when the provider
    /// itself cannot decide) and returns nullopt.
    std::optional<oauth1::verify_result> authenticate(const ::httplib::Request& req,
                                                      ::httplib::Response& res,
                                                      oauth1::token_requirement token) const
    {
        oauth1::verify_options vo;
        vo.token = token;
        vo.timestamp_window = opts_.timestamp_window;
        vo.keep_base_string = true;
        // JIRA's requests are small: an Authorization header of a few hundred bytes, a handful
        // of parameters (cpp-httplib 0.11 already caps the request line and each header line at
        // 8 KiB, and refuses form bodies over 8 KiB).
        vo.limits.max_header_bytes = 8 * 1024;
        vo.limits.max_url_bytes = 8 * 1024;
        vo.limits.max_parameters = 100;
        vo.limits.max_body_bytes = opts_.max_body_bytes;
        vo.limits.max_nonce_bytes = 64;
        std::error_code ec;
        oauth1::verify_result r = oauth1::httplib::verify(verifier_, req, *origin_, vo, ec);
        if (ec) {
            res.status = 503;
            res.set_content("The provider cannot verify requests now: " + ec.message() + "\n",
                            "text/plain");
            detail::current_problem() = "provider error";
            return std::nullopt;
        }
        if (!r) {
            oauth1::problem_report report =
                r.problem ? *r.problem : oauth1::problem_report(oauth1::problem::signature_invalid);
            if (report.code == oauth1::problem::signature_invalid &&
                report.signature_base_string.empty())
                report.signature_base_string = r.base_string;
            refuse(res, std::move(report));
            return std::nullopt;
        }
        return r;
    }

    static void method_not_allowed(::httplib::Response& res, const char* allow)
    {
        res.status = 405;
        res.set_header("Allow", allow);
        res.set_content(std::string("Method not allowed; use ") + allow + "\n", "text/plain");
    }

    void page(::httplib::Response& res, int status, const std::string& title,
              const std::string& body_html) const
    {
        res.status = status;
        res.set_content("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                            detail::html_escape(title) +
                            " - jira-provider</title></head>\n<body>\n<h1>" +
                            detail::html_escape(title) + "</h1>\n" + body_html + "</body></html>\n",
                        "text/html;charset=UTF-8");
    }

    void problem_page(::httplib::Response& res, oauth1::problem p, const std::string& what) const
    {
        detail::current_problem() = std::string(oauth1::to_string(p));
        res.set_header("WWW-Authenticate",
                       oauth1::www_authenticate(oauth1::problem_report(p), realm_));
        page(res, 401, "OAuth Error",
             "<p>" + detail::html_escape(what) +
                 "</p>\n<p>oauth_problem=" + detail::html_escape(oauth1::to_string(p)) + "</p>\n");
    }

    static std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> kv)
    {
        std::string out;
        for (const auto& [k, v] : kv) {
            if (!out.empty()) out.push_back('&');
            oauth1::percent_encode_append(k, out);
            out.push_back('=');
            oauth1::percent_encode_append(v, out);
        }
        return out;
    }

    // ---- OAuth endpoints ----
    void handle_request_token(const ::httplib::Request& req, ::httplib::Response& res)
    {
        const auto r = authenticate(req, res, oauth1::token_requirement::none);
        if (!r) return;
        if (r->callback != "oob" && !detail::is_callback_url(r->callback)) {
            oauth1::problem_report report(oauth1::problem::parameter_rejected);
            report.advice = "oauth_callback must be 'oob' or an absolute http(s) URL";
            report.parameters_rejected = {"oauth_callback"};
            refuse(res, std::move(report));
            return;
        }
        token_entry t;
        t.consumer_key = r->consumer_key;
        t.secret = detail::random_alnum(32);
        t.kind = oauth1::token_kind::request;
        t.callback = r->callback;
        t.page_token = detail::random_alnum(32);
        const std::uint64_t now = this->now();
        t.expires = detail::add_saturated(now, opts_.request_token_lifetime);
        std::string token = detail::random_alnum(32);
        const std::string body = form({{"oauth_token", token},
                                       {"oauth_token_secret", t.secret},
                                       {"oauth_callback_confirmed", "true"}});
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            prune(now);
            tokens_.insert_or_assign(std::move(token), std::move(t));
        }
        res.status = 200;
        res.set_content(body, "application/x-www-form-urlencoded");
    }

    // Forgets request tokens long past their expiry (kept for an hour so that late exchanges are
    // told token_expired rather than token_rejected). Caller holds mutex_.
    void prune(std::uint64_t now)
    {
        for (auto it = tokens_.begin(); it != tokens_.end();) {
            const token_entry& t = it->second;
            if (t.kind == oauth1::token_kind::request && t.expires + 3600 < now)
                it = tokens_.erase(it);
            else
                ++it;
        }
    }

    /// Looks up a request token for the authorize page; on failure answers it and returns false.
    bool authorizable(const std::string& token, ::httplib::Response& res, token_entry& out) const
    {
        if (token.empty()) {
            problem_page(res, oauth1::problem::parameter_absent,
                         "The request has no oauth_token parameter.");
            return false;
        }
        const std::uint64_t now = this->now();
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        if (it == tokens_.end() || it->second.kind != oauth1::token_kind::request) {
            problem_page(res, oauth1::problem::token_rejected, "The request token is unknown.");
            return false;
        }
        if (it->second.rejected) {
            problem_page(res, oauth1::problem::token_rejected,
                         "The request token was rejected after too many wrong verifiers.");
            return false;
        }
        if (it->second.used || it->second.state != decision::pending) {
            problem_page(res, oauth1::problem::token_used,
                         "The request token has already been authorized or denied.");
            return false;
        }
        if (now >= it->second.expires) {
            problem_page(res, oauth1::problem::token_expired, "The request token has expired.");
            return false;
        }
        out = it->second;
        return true;
    }

    const std::string& consumer_name(const std::string& key) const
    {
        const auto it = consumers_.find(key);
        return it == consumers_.end() ? key : it->second.name;
    }

    void handle_authorize_get(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!own_host(req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        token_entry t;
        if (!authorizable(token, res, t)) return;
        if (opts_.auto_approve) {
            decide(token, true, res);
            return;
        }
        const std::string app = consumer_name(t.consumer_key);
        page(res, 200, "Welcome to JIRA",
             "<p>" + detail::html_escape(app) +
                 " would like to read and write data in JIRA on your behalf.</p>\n"
                 "<p>Application: <b>" +
                 detail::html_escape(app) + "</b><br>Consumer key: <code>" +
                 detail::html_escape(t.consumer_key) +
                 "</code></p>\n"
                 "<form method=\"post\" action=\"/plugins/servlet/oauth/authorize\">\n"
                 "<input type=\"hidden\" name=\"oauth_token\" value=\"" +
                 detail::html_escape(token) +
                 "\">\n"
                 "<input type=\"hidden\" name=\"atl_token\" value=\"" +
                 detail::html_escape(t.page_token) +
                 "\">\n"
                 "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n"
                 "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n"
                 "</form>\n");
    }

    void handle_authorize_post(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!own_host(req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        std::string choice = req.get_param_value("decision");
        // JIRA's own form posts approve=Allow or deny=Deny.
        if (choice.empty() && req.has_param("approve")) choice = "allow";
        if (choice.empty() && req.has_param("deny")) choice = "deny";
        if (choice != "allow" && choice != "approve" && choice != "deny") {
            detail::current_problem() = "no decision";
            page(res, 400, "Bad Request",
                 "<p>The form must carry decision=allow or decision=deny.</p>\n");
            return;
        }
        token_entry t;
        if (!authorizable(token, res, t)) return;
        if (!page_token_matches(t, req, res)) return;
        decide(token, choice != "deny", res);
    }

    /// Records the user's decision on a (checked) pending request token and answers the page.
    void decide(const std::string& token, bool allow, ::httplib::Response& res)
    {
        token_entry t;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            const auto it = tokens_.find(token);
            if (it == tokens_.end() || it->second.state != decision::pending) {
                // Decided by a concurrent request in the meantime.
                problem_page(res, oauth1::problem::token_used,
                             "The request token has already been authorized or denied.");
                return;
            }
            it->second.state = allow ? decision::approved : decision::denied;
            if (allow) it->second.verifier = detail::random_alnum(6);
            t = it->second;
        }
        const std::string app = consumer_name(t.consumer_key);
        if (!allow) {
            detail::current_problem() = "denied by user";
            page(res, 200, "Access Denied",
                 "<p>You have denied " + detail::html_escape(app) + " access to your data.</p>\n");
            return;
        }
        if (t.callback != "oob") {
            res.status = 302;
            res.set_header("Location", detail::callback_with(t.callback, token, t.verifier));
            return;
        }
        page(res, 200, "Access Approved",
             "<p>You have successfully authorized '" + detail::html_escape(app) +
                 "'. Your verification code is '" + detail::html_escape(t.verifier) +
                 "'. You will need to enter this exact text when prompted. You should write "
                 "this value down before closing the browser window.</p>\n");
    }

    void handle_access_token(const ::httplib::Request& req, ::httplib::Response& res)
    {
        const auto r = authenticate(req, res, oauth1::token_requirement::request);
        if (!r) return;
        const std::uint64_t now = this->now();
        token_entry access;
        const std::string access_token = detail::random_alnum(32);
        const std::string access_secret = detail::random_alnum(32);
        access.consumer_key = r->consumer_key;
        access.secret = access_secret;
        access.kind = oauth1::token_kind::access;
        access.expires = detail::add_saturated(now, opts_.access_token_lifetime);
        access.page_token = detail::random_alnum(32);
        const std::string session = detail::random_alnum(32);
        {
            // Checked again under the lock: two exchanges of one token may race past verify().
            const std::lock_guard<std::mutex> lock(mutex_);
            const auto it = tokens_.find(r->token);
            if (it == tokens_.end()) return refuse(res, oauth1::problem::token_rejected);
            token_entry& t = it->second;
            if (t.used) return refuse(res, oauth1::problem::token_used);
            if (now >= t.expires) return refuse(res, oauth1::problem::token_expired);
            if (t.state == decision::pending)
                return refuse(res, oauth1::problem::permission_unknown,
                              "the request token has not been authorized");
            if (t.state == decision::denied)
                return refuse(res, oauth1::problem::permission_denied, "the user denied access");
            if (t.rejected) return refuse(res, oauth1::problem::token_rejected);
            if (t.verifier.size() != r->verifier.size() ||
                CRYPTO_memcmp(t.verifier.data(), r->verifier.data(), t.verifier.size()) != 0) {
                // Six characters from 62 are guessable with enough tries: a few, then no more.
                const unsigned limit = std::max(1U, opts_.max_verifier_attempts);
                if (++t.wrong_verifiers < limit)
                    return refuse(res, oauth1::problem::token_rejected,
                                  "oauth_verifier does not match");
                t.rejected = true;
                return refuse(res, oauth1::problem::token_rejected,
                              "oauth_verifier does not match; after " + std::to_string(limit) +
                                  " wrong verifiers the request token is rejected");
            }
            t.used = true;
            tokens_.insert_or_assign(access_token, std::move(access));
        }
        const std::string expires = std::to_string(opts_.access_token_lifetime);
        // JIRA reports the authorization as outliving the token by 30 days.
        const std::string auth_expires =
            std::to_string(detail::add_saturated(opts_.access_token_lifetime, 2592000));
        res.status = 200;
        res.set_content(form({{"oauth_token", access_token},
                              {"oauth_token_secret", access_secret},
                              {"oauth_expires_in", expires},
                              {"oauth_session_handle", session},
                              {"oauth_authorization_expires_in", auth_expires}}),
                        "application/x-www-form-urlencoded");
    }

    // ---- admin (not JIRA) ----
    static bool is_loopback(const std::string& addr)
    {
        return addr == "127.0.0.1" || addr == "::1" || addr.rfind("127.", 0) == 0 ||
               addr == "::ffff:127.0.0.1";
    }

    /// The admin pages answer loopback peers only.
    bool loopback_peer(const ::httplib::Request& req, ::httplib::Response& res) const
    {
        if (is_loopback(req.remote_addr)) return true;
        detail::current_problem() = "not loopback";
        res.status = 403;
        res.set_content("Loopback only\n", "text/plain");
        return false;
    }

    /// GET /admin/revoke?oauth_token=...: a page whose form revokes that access token.
    void handle_revoke_page(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!loopback_peer(req, res) || !own_host(req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        std::string page_token;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            const auto it = tokens_.find(token);
            if (it != tokens_.end() && it->second.kind == oauth1::token_kind::access &&
                !it->second.revoked)
                page_token = it->second.page_token;
        }
        if (page_token.empty()) {
            res.status = 404;
            res.set_content("No such access token\n", "text/plain");
            return;
        }
        page(res, 200, "Revoke access token",
             "<form method=\"post\" action=\"/admin/revoke\">\n"
             "<input type=\"hidden\" name=\"oauth_token\" value=\"" +
                 detail::html_escape(token) +
                 "\">\n"
                 "<input type=\"hidden\" name=\"atl_token\" value=\"" +
                 detail::html_escape(page_token) +
                 "\">\n"
                 "<button type=\"submit\">Revoke</button>\n"
                 "</form>\n");
    }

    /// POST /admin/revoke with oauth_token and the page's atl_token.
    void handle_revoke(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!loopback_peer(req, res) || !own_host(req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        if (token.empty()) {
            res.status = 400;
            res.set_content("Send the form of GET /admin/revoke?oauth_token=<access token>\n",
                            "text/plain");
            return;
        }
        token_entry copy;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            const auto it = tokens_.find(token);
            if (it == tokens_.end() || it->second.kind != oauth1::token_kind::access) {
                res.status = 404;
                res.set_content("No such access token\n", "text/plain");
                return;
            }
            copy = it->second;
        }
        if (!page_token_matches(copy, req, res)) return;
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        if (it != tokens_.end()) it->second.revoked = true;
        res.status = 204;
    }

    // ---- forms: own host, anti-CSRF token ----

    /// The pages with forms answer only requests addressed to this provider by name: a page of
    /// another site whose name resolves to 127.0.0.1 (DNS rebinding) must not read them.
    bool own_host(const ::httplib::Request& req, ::httplib::Response& res) const
    {
        if (req.get_header_value_count("Host") == 1) {
            const std::string host = req.get_header_value("Host");
            for (const std::string& h : own_hosts_)
                if (oauth1::detail::ascii_iequals(host, h)) return true;
        }
        detail::current_problem() = "not this host";
        page(res, 421, "Misdirected Request",
             "<p>Open this page at " + detail::html_escape(base_url_) + ".</p>\n");
        return false;
    }

    /// The form's atl_token is the page token of `t` (constant time); otherwise answers 403.
    bool page_token_matches(const token_entry& t, const ::httplib::Request& req,
                            ::httplib::Response& res) const
    {
        const std::string sent =
            req.get_param_value_count("atl_token") == 1 ? req.get_param_value("atl_token") : "";
        if (!t.page_token.empty() && sent.size() == t.page_token.size() &&
            CRYPTO_memcmp(sent.data(), t.page_token.data(), sent.size()) == 0)
            return true;
        detail::current_problem() = "bad atl_token";
        page(res, 403, "Forbidden",
             "<p>The form did not come from this provider's page (missing or wrong atl_token). "
             "Open the page again and submit its form.</p>\n");
        return false;
    }

    // ---- REST resources ----
    static void json(::httplib::Response& res, int status, const std::string& body)
    {
        res.status = status;
        res.set_content(body, "application/json;charset=UTF-8");
    }

    static void json_errors(::httplib::Response& res, int status, const std::string& message,
                            const std::string& field = {}, const std::string& field_message = {})
    {
        std::string body = "{\"errorMessages\":[";
        if (!message.empty()) body += detail::json_string(message);
        body += "],\"errors\":{";
        if (!field.empty())
            body += detail::json_string(field) + ":" + detail::json_string(field_message);
        body += "}}";
        json(res, status, body);
    }

    std::string user_json() const
    {
        return "{\"self\":" + detail::json_string(base_url_ + "/rest/api/2/user?username=admin") +
               ",\"key\":\"admin\",\"name\":\"admin\",\"emailAddress\":\"admin@example.com\","
               "\"displayName\":\"Administrator\",\"active\":true,\"timeZone\":\"UTC\","
               "\"locale\":\"en_US\"}";
    }

    std::string issue_json(const issue& i) const
    {
        const std::string& b = base_url_;
        const std::string id = std::to_string(i.id);
        std::string s = "{\"expand\":\"renderedFields,names,schema,operations,editmeta,changelog,"
                        "versionedRepresentations\",\"id\":" +
                        detail::json_string(id) +
                        ",\"self\":" + detail::json_string(b + "/rest/api/2/issue/" + id) +
                        ",\"key\":" + detail::json_string(i.key) + ",\"fields\":{";
        s += "\"summary\":" + detail::json_string(i.summary);
        s += ",\"description\":" +
             (i.description ? detail::json_string(*i.description) : std::string("null"));
        s += ",\"issuetype\":{\"self\":" + detail::json_string(b + "/rest/api/2/issuetype/10002") +
             ",\"id\":\"10002\",\"description\":\"A task that needs to be done.\",\"iconUrl\":" +
             detail::json_string(b + "/secure/viewavatar?size=xsmall&avatarId=10318&avatarType="
                                     "issuetype") +
             ",\"name\":" + detail::json_string(i.issuetype) + ",\"subtask\":false}";
        s += ",\"project\":{\"self\":" + detail::json_string(b + "/rest/api/2/project/10000") +
             ",\"id\":\"10000\",\"key\":\"JJ\",\"name\":\"JIRA Junior\","
             "\"projectTypeKey\":\"software\"}";
        s += ",\"status\":{\"self\":" + detail::json_string(b + "/rest/api/2/status/10000") +
             ",\"description\":\"\",\"iconUrl\":" + detail::json_string(b + "/") +
             ",\"name\":\"To Do\",\"id\":\"10000\",\"statusCategory\":{\"self\":" +
             detail::json_string(b + "/rest/api/2/statuscategory/2") +
             ",\"id\":2,\"key\":\"new\",\"colorName\":\"blue-gray\",\"name\":\"To Do\"}}";
        s += ",\"priority\":{\"self\":" + detail::json_string(b + "/rest/api/2/priority/3") +
             ",\"iconUrl\":" + detail::json_string(b + "/images/icons/priorities/medium.svg") +
             ",\"name\":\"Medium\",\"id\":\"3\"}";
        s += ",\"labels\":[],\"assignee\":null,\"reporter\":" + user_json() +
             ",\"creator\":" + user_json();
        s += ",\"created\":" + detail::json_string(detail::jira_time(i.created)) +
             ",\"updated\":" + detail::json_string(detail::jira_time(i.updated));
        s += "}}";
        return s;
    }

    void seed_issues()
    {
        // Fixed dates, so the tutorial's issues look the same on every run.
        const std::uint64_t created = 1488811088; // 2017-03-06T14:38:08Z
        issue a;
        a.id = 10000;
        a.key = "JJ-1";
        a.summary = "Set up the JIRA Junior project";
        a.created = a.updated = created;
        issue b;
        b.id = 10001;
        b.key = "JJ-2";
        b.summary = "Call the REST API with OAuth";
        b.description = "Example issue of Atlassian's \"OAuth for REST APIs\" tutorial.";
        b.created = b.updated = created + 60;
        issues_.push_back(std::move(a));
        issues_.push_back(std::move(b));
        next_number_ = 3;
        next_id_ = 10002;
    }

    /// The issue with this key (case-insensitive) or numeric id. Caller holds mutex_.
    issue* find_issue(std::string_view key_or_id)
    {
        std::string k(key_or_id);
        for (char& c : k)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        for (issue& i : issues_)
            if (i.key == k || std::to_string(i.id) == k) return &i;
        return nullptr;
    }

    /// Reads the JSON body of a create/update request: the "fields" object, or answers 4xx.
    static std::optional<detail::json_value> read_fields(const ::httplib::Request& req,
                                                         ::httplib::Response& res)
    {
        const std::string type = req.get_header_value("Content-Type");
        if (type.rfind("application/json", 0) != 0) {
            res.status = 415;
            res.set_content("Unsupported Media Type: send application/json\n", "text/plain");
            return std::nullopt;
        }
        std::string error;
        auto body = detail::parse_json(req.body, error);
        if (!body || body->kind != detail::json_value::type::object) {
            json_errors(res, 400,
                        body ? std::string("the body must be a JSON object")
                             : "Unexpected character in the JSON body: " + error);
            return std::nullopt;
        }
        const detail::json_value* fields = body->get("fields");
        if (!fields || fields->kind != detail::json_value::type::object) {
            json_errors(res, 400, "", "fields",
                        "Field 'fields' is required and must be an object.");
            return std::nullopt;
        }
        return *fields;
    }

    void handle_issue_get(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!authenticate(req, res, oauth1::token_requirement::access)) return;
        const std::lock_guard<std::mutex> lock(mutex_);
        const issue* i = find_issue(req.matches[1].str());
        if (!i) return json_errors(res, 404, "Issue Does Not Exist");
        json(res, 200, issue_json(*i));
    }

    void handle_issue_create(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!authenticate(req, res, oauth1::token_requirement::access)) return;
        const auto fields = read_fields(req, res);
        if (!fields) return;
        const detail::json_value* project = fields->get("project");
        const std::string* pkey = project ? project->get_string("key") : nullptr;
        const std::string* pid = project ? project->get_string("id") : nullptr;
        if (!(pkey && *pkey == "JJ") && !(pid && *pid == "10000"))
            return json_errors(res, 400, "", "project", "Specify a valid project ID or key");
        const std::string* summary = fields->get_string("summary");
        if (!summary || summary->empty())
            return json_errors(res, 400, "", "summary", "You must specify a summary of the issue.");
        issue i;
        i.summary = *summary;
        if (const std::string* d = fields->get_string("description")) i.description = *d;
        if (const detail::json_value* t = fields->get("issuetype"))
            if (const std::string* n = t->get_string("name")) i.issuetype = *n;
        i.created = i.updated = now();
        std::string body;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            i.id = next_id_++;
            i.key = "JJ-" + std::to_string(next_number_++);
            const std::string id = std::to_string(i.id);
            body = "{\"id\":" + detail::json_string(id) + ",\"key\":" + detail::json_string(i.key) +
                   ",\"self\":" + detail::json_string(base_url_ + "/rest/api/2/issue/" + id) + "}";
            issues_.push_back(std::move(i));
        }
        json(res, 201, body);
    }

    void handle_issue_update(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!authenticate(req, res, oauth1::token_requirement::access)) return;
        const auto fields = read_fields(req, res);
        if (!fields) return;
        const std::string* summary = fields->get_string("summary");
        if (summary && summary->empty())
            return json_errors(res, 400, "", "summary", "You must specify a summary of the issue.");
        const std::lock_guard<std::mutex> lock(mutex_);
        issue* i = find_issue(req.matches[1].str());
        if (!i) return json_errors(res, 404, "Issue Does Not Exist");
        if (summary) i->summary = *summary;
        if (const std::string* d = fields->get_string("description")) i->description = *d;
        i->updated = now();
        res.status = 204;
    }

    void handle_issue_delete(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!authenticate(req, res, oauth1::token_requirement::access)) return;
        const std::lock_guard<std::mutex> lock(mutex_);
        const issue* i = find_issue(req.matches[1].str());
        if (!i) return json_errors(res, 404, "Issue Does Not Exist");
        issues_.erase(issues_.begin() + (i - issues_.data()));
        res.status = 204;
    }

    void handle_myself(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!authenticate(req, res, oauth1::token_requirement::access)) return;
        json(res, 200, user_json());
    }

    // ---- routing and logging ----
    using member_handler = void (provider::*)(const ::httplib::Request&, ::httplib::Response&);

    ::httplib::Server::Handler bind(member_handler h)
    {
        return [this, h](const ::httplib::Request& req, ::httplib::Response& res) {
            detail::current_problem().clear();
            (this->*h)(req, res);
        };
    }

    void install_routes()
    {
        const char* request_token = "/plugins/servlet/oauth/request-token";
        const char* authorize = "/plugins/servlet/oauth/authorize";
        const char* access_token = "/plugins/servlet/oauth/access-token";
        const auto post_only = [](const ::httplib::Request&, ::httplib::Response& res) {
            method_not_allowed(res, "POST");
        };
        server_.Post(request_token, bind(&provider::handle_request_token));
        server_.Post(access_token, bind(&provider::handle_access_token));
        for (const char* path : {request_token, access_token}) {
            server_.Get(path, post_only);
            server_.Put(path, post_only);
            server_.Delete(path, post_only);
            server_.Patch(path, post_only);
        }
        server_.Get(authorize, bind(&provider::handle_authorize_get));
        server_.Post(authorize, bind(&provider::handle_authorize_post));

        const char* issue_path = R"(/rest/api/(?:2|latest)/issue/([^/]+))";
        const char* issues_path = R"(/rest/api/(?:2|latest)/issue/?)";
        server_.Get(issue_path, bind(&provider::handle_issue_get));
        server_.Put(issue_path, bind(&provider::handle_issue_update));
        server_.Delete(issue_path, bind(&provider::handle_issue_delete));
        server_.Post(issues_path, bind(&provider::handle_issue_create));
        server_.Get(R"(/rest/api/(?:2|latest)/myself)", bind(&provider::handle_myself));

        server_.Get("/admin/revoke", bind(&provider::handle_revoke_page));
        server_.Post("/admin/revoke", bind(&provider::handle_revoke));

        // Bodies: no compressed or chunked ones, none over the limit, refused before they are
        // read (cpp-httplib would inflate or buffer them without bound first).
        const oauth1::httplib::server_limits limits{opts_.max_body_bytes};
        oauth1::httplib::harden_server(server_, limits);
        // And no multi-range requests: cpp-httplib 0.11 answers one with the whole body once per
        // range, for any answer (a 401 too): 8 KiB of "Range: bytes=0-,0-,..." would fetch
        // 800 KiB. JIRA's REST clients do not ask for ranges. (416 without a body: nothing
        // for the ranges to repeat.)
        server_.set_pre_routing_handler(
            [limits](const ::httplib::Request& req, ::httplib::Response& res) {
                using handled = ::httplib::Server::HandlerResponse;
                if (oauth1::httplib::screen_request(req, res, limits) == handled::Handled)
                    return handled::Handled;
                if (req.ranges.size() > 1) {
                    res.status = 416;
                    return handled::Handled;
                }
                return handled::Unhandled;
            });
        // Short keep-alive so that stop() returns promptly.
        server_.set_keep_alive_timeout(1);
        server_.set_logger([this](const ::httplib::Request& req, const ::httplib::Response& res) {
            std::string& problem = detail::current_problem();
            if (opts_.log) {
                // The query's names only: values may be tokens.
                std::string line = req.method + " " + detail::printable(req.path);
                const std::size_t q = req.target.find('?');
                if (q != std::string::npos) {
                    std::string_view query = std::string_view(req.target).substr(q + 1);
                    char sep = '?';
                    while (!query.empty()) {
                        const std::size_t amp = query.find('&');
                        const std::string_view pair = query.substr(0, amp);
                        line.push_back(sep);
                        line += detail::printable(pair.substr(0, pair.find('=')));
                        sep = '&';
                        if (amp == std::string_view::npos) break;
                        query.remove_prefix(amp + 1);
                    }
                }
                line += " " + std::to_string(res.status);
                if (!problem.empty()) line += " " + problem;
                opts_.log(line);
            }
            problem.clear();
        });
    }

    options opts_;
    std::atomic<std::int64_t> clock_offset_;
    std::map<std::string, consumer, std::less<>> consumers_;
    oauth1::memory_nonce_store nonces_;
    verifier_type verifier_;
    mutable std::mutex mutex_;
    std::map<std::string, token_entry, std::less<>> tokens_;
    std::vector<issue> issues_;
    std::uint64_t next_number_ = 1;
    std::uint64_t next_id_ = 10000;
    std::string authority_;
    std::string base_url_;
    std::optional<oauth1::httplib::public_origin> origin_;
    std::vector<std::string> own_hosts_;
    std::string realm_;
    int port_ = 0;
    ::httplib::Server server_;
    std::thread thread_;
};

} // namespace jira_provider

#endif // OAUTH1_EXAMPLES_JIRA_PROVIDER_HPP

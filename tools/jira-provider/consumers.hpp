// consumers.hpp - jira-provider's consumers file: the registered consumers (JIRA: incoming
// Application Links), read from a Java .properties file with tools/common/properties.hpp.
//
// Format (java.util.Properties syntax: `key=value`, `key: value` or `key value`; '#' or '!'
// starts a comment line; a trailing backslash continues a line; \uXXXX escapes):
//
//   consumer.<key>.name=<application name shown on the authorize page>   (default: the key)
//   consumer.<key>.public_key=<path to a PEM/DER public key or X.509 certificate, relative to the
//                              file's directory; or an inline "-----BEGIN ...-----" PEM on one
//                              line; or the key as headerless base64 on one line>
//   consumer.<key>.secret=<shared secret for HMAC-SHA* / PLAINTEXT>
//   consumer.<key>.methods=<comma-separated signature methods, e.g. RSA-SHA1>
//                          (default: RSA-SHA1 with a public_key, HMAC-SHA1 with a secret)
//
// The consumer key is everything between "consumer." and the last '.'. Errors name the file and
// the line, never a value (secrets).
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_CONSUMERS_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_CONSUMERS_HPP

#include "../common/properties.hpp"

#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jira_provider {

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

/// Loads a consumer's public_key value: an inline PEM, inline base64, or a file path.
inline oauth1::public_key load_consumer_key(std::string_view value, const std::string& base_dir)
{
    if (value.substr(0, 11) == "-----BEGIN ")
        return oauth1::load_public_key(unfold_inline_pem(value));
    if (value.size() >= 64 && is_base64_text(value)) return oauth1::load_public_key(value);
    std::string path(value);
    if (path.front() != '/') path = base_dir + "/" + path;
    return oauth1::load_public_key_file(path);
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
    const auto fail = [&source](std::size_t line, const std::string& what) -> config_error {
        return config_error(source + ": line " + std::to_string(line) + ": " + what);
    };
    std::vector<oauth1_tools::properties::definition> definitions;
    try {
        definitions = oauth1_tools::properties::parse(text, source).definitions();
    } catch (const oauth1_tools::properties_error& e) {
        throw config_error(e.what());
    }
    std::vector<pending> found;
    for (const auto& d : definitions) {
        const std::size_t line_no = d.line;
        const std::string_view name = d.key;
        // java.util.Properties keeps trailing blanks; a pasted key or path should not.
        const std::string_view value = detail::trim(d.value);
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
                p->c.credentials.rsa_key = detail::load_consumer_key(value, base_dir);
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
    std::optional<std::string> text;
    try {
        text = oauth1_tools::read_file_if_exists(path);
    } catch (const oauth1_tools::properties_error& e) {
        throw config_error(std::string(e.what()) + " (the consumers file)");
    }
    if (!text) throw config_error(path + ": cannot open the consumers file: no such file");
    return parse_consumers(*text, detail::directory_of(path), path);
}

} // namespace jira_provider

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_CONSUMERS_HPP

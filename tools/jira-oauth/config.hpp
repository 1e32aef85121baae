// tools/jira-oauth/config.hpp - the settings jira-oauth keeps in config.properties, with the keys
// of the Java client of Atlassian's "OAuth for REST APIs" tutorial (jira_home, consumer_key,
// private_key, request_token, access_token, secret) and a few optional ones.
#ifndef JIRA_OAUTH_CONFIG_HPP
#define JIRA_OAUTH_CONFIG_HPP

#include "../common/properties.hpp"
#include "options.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jira_oauth {

// config.properties is a Java .properties file: the tools' shared reader and writer.
using oauth1_tools::load_properties_file;
using oauth1_tools::properties;
using oauth1_tools::properties_error;
using oauth1_tools::read_file_if_exists;
using oauth1_tools::save_properties_file;
using oauth1_tools::write_file_atomically;

/// The keys of config.properties.
namespace key {
inline constexpr const char* jira_home = "jira_home";
inline constexpr const char* consumer_key = "consumer_key";
inline constexpr const char* private_key = "private_key";
inline constexpr const char* request_token = "request_token";
inline constexpr const char* access_token = "access_token";
/// The secret of the token written last (the Java client's one "secret" key).
inline constexpr const char* secret = "secret";
// Not in the Java client (which ignores them):
/// Each token's own secret, so that `secret` being overwritten does not lose the other one.
inline constexpr const char* request_token_secret = "request_token_secret";
inline constexpr const char* access_token_secret = "access_token_secret";
inline constexpr const char* signature_method = "signature_method";
inline constexpr const char* consumer_secret = "consumer_secret";
inline constexpr const char* callback = "callback";
} // namespace key

/// Values that mark a setting still to be filled in (in the file made by write_placeholder_config).
inline constexpr std::string_view placeholder_prefix = "REPLACE_WITH_";

/// config.properties is missing or incomplete (jira-oauth exits with status 2). The message
/// names the file and the setting, never a value.
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The text of a new config.properties: the keys to fill in, with comments saying how.
inline std::string placeholder_config_text()
{
    return R"(# config.properties of jira-oauth, the client of Atlassian's "OAuth for REST APIs" tutorial.
# Fill in jira_home and private_key (the two REPLACE_WITH_ values), then run
#   jira-oauth requestToken
#
# Base URL of your JIRA (what you open in a browser), e.g. https://jira.example.com
jira_home=REPLACE_WITH_YOUR_JIRA_BASE_URL
#
# Consumer key of the application link (JIRA: Administration > Applications > Application links >
# your link > Incoming Authentication); the tutorial uses OauthKey.
consumer_key=OauthKey
#
# Your RSA private key as ONE line of base64 PKCS#8, without the BEGIN/END lines. Make the key
# pair with
#   jira-oauth keygen --write-config
# which stores this line here (it also writes it to jira_privatekey.pcks8) and writes
# jira_publickey.pem: paste that public key into the application link's Incoming Authentication.
private_key=REPLACE_WITH_THE_LINE_OF_jira_privatekey.pcks8
#
# Optional: signature_method=RSA-SHA1 (default: what JIRA uses), RSA-SHA256, or HMAC-SHA1 with
# consumer_secret=... for servers that offer it; callback=oob (default: JIRA shows a code).
#
# Written by jira-oauth as the dance proceeds: request_token and secret (requestToken), then
# access_token and secret (accessToken). This file holds secrets: keep it private (mode 0600).
)";
}

/// Writes the placeholder file at `path` (atomically, mode 0600). Throws properties_error.
inline void write_placeholder_config(const std::string& path)
{
    write_file_atomically(path, placeholder_config_text(), 0600);
}

/// Whether a setting is absent, empty or still a placeholder.
inline bool is_unset(const std::optional<std::string>& v)
{
    return !v || v->empty() || detail::starts_with(*v, placeholder_prefix);
}

/// The settings, with defaults applied.
struct settings {
    std::string jira_home;
    std::string consumer_key = "OauthKey";
    std::string private_key; ///< the base64 PKCS#8 line (or a PEM, which works too)
    std::string consumer_secret;
    bool has_consumer_secret = false;
    std::string signature_method = "RSA-SHA1";
    std::string callback = "oob";
    std::string request_token;
    std::string request_token_secret;
    std::string access_token;
    std::string access_token_secret;
};

namespace detail {

inline std::string trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return std::string(s);
}

} // namespace detail

/// Reads the settings from `p`; `method_override` (--signature-method) wins over the file.
inline settings read_settings(const properties& p,
                              const std::optional<std::string>& method_override = std::nullopt)
{
    settings s;
    const auto get = [&p](const char* k) -> std::optional<std::string> {
        auto v = p.get(k);
        if (v) *v = detail::trimmed(*v);
        return v;
    };
    if (auto v = get(key::jira_home); !is_unset(v)) s.jira_home = *v;
    if (auto v = get(key::consumer_key); !is_unset(v)) s.consumer_key = *v;
    if (auto v = get(key::private_key); !is_unset(v)) s.private_key = *v;
    if (auto v = get(key::consumer_secret); v) {
        s.consumer_secret = *v;
        s.has_consumer_secret = true;
    }
    if (auto v = get(key::signature_method); !is_unset(v)) s.signature_method = *v;
    if (method_override) s.signature_method = *method_override;
    if (auto v = get(key::callback); !is_unset(v)) s.callback = *v;
    if (auto v = get(key::request_token); v) s.request_token = *v;
    if (auto v = get(key::access_token); v) s.access_token = *v;
    // jira-oauth writes each token's secret under its own key as well; a file written by the
    // Java client has only `secret`, the secret of the token it wrote last.
    const std::string secret = get(key::secret).value_or("");
    s.request_token_secret = get(key::request_token_secret).value_or(secret);
    s.access_token_secret = get(key::access_token_secret).value_or(secret);
    return s;
}

/// Checks that `s` has what `cmd` needs; throws config_error naming the missing setting and how
/// to get it. `path` names the file in the message; `rsa` tells whether the signature method
/// signs with the private key (else with consumer_secret).
inline void check_settings(const settings& s, command cmd, bool rsa, const std::string& path)
{
    if (s.jira_home.empty())
        throw config_error(path + ": jira_home is not set: write the base URL of your JIRA there "
                                  "(e.g. jira_home=https://jira.example.com)");
    if (!detail::starts_with(s.jira_home, "http://") &&
        !detail::starts_with(s.jira_home, "https://"))
        throw config_error(path + ": jira_home must start with http:// or https:// (e.g. "
                                  "jira_home=https://jira.example.com)");
    if (rsa && s.private_key.empty())
        throw config_error(path + ": private_key is not set: run 'jira-oauth keygen "
                                  "--write-config' (or paste the one-line base64 PKCS#8 key "
                                  "there) and register the public key with JIRA");
    if (!rsa && !s.has_consumer_secret)
        throw config_error(path + ": consumer_secret is not set: " + s.signature_method +
                           " signs with the consumer's shared secret");
    if (cmd == command::access_token && s.request_token.empty())
        throw config_error(path + ": no request_token: run 'jira-oauth requestToken' first");
    if (cmd == command::request && s.access_token.empty())
        throw config_error(path + ": no access_token: run 'jira-oauth requestToken', allow "
                                  "access, then 'jira-oauth accessToken VERIFIER'");
}

} // namespace jira_oauth

#endif // JIRA_OAUTH_CONFIG_HPP

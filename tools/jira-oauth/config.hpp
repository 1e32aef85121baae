// tools/jira-oauth/config.hpp - the settings jira-oauth keeps in config.properties, with the keys
// of the Java client of Atlassian's "OAuth for REST APIs" tutorial (jira_home, consumer_key,
// private_key, request_token, access_token, secret) and a few optional ones, and the loading of
// the consumer's private key from them (private_key= or private_key_file=, with a passphrase for
// an encrypted key or a .p12 from OAUTH1_KEY_PASSPHRASE or private_key_passphrase=).
#ifndef JIRA_OAUTH_CONFIG_HPP
#define JIRA_OAUTH_CONFIG_HPP

#include "../common/properties.hpp"
#include "options.hpp"

#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>

#include <openssl/crypto.h>

#include <cstdlib>
#include <filesystem>
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
/// A service profile (oauth1/profiles.hpp: jira, netsuite, twitter, etrade, ...): its signature
/// method (unless signature_method= is given), endpoints under jira_home, callback and realm.
inline constexpr const char* profile = "profile";
inline constexpr const char* consumer_secret = "consumer_secret";
inline constexpr const char* callback = "callback";
/// A key file instead of private_key=: PEM, DER, base64 PKCS#8 or PKCS#12 (.p12/.pfx); a
/// relative path is relative to config.properties' directory.
inline constexpr const char* private_key_file = "private_key_file";
/// The passphrase of an encrypted key or the password of a .p12 (OAUTH1_KEY_PASSPHRASE wins).
inline constexpr const char* private_key_passphrase = "private_key_passphrase";
/// Which key of a .p12 holding several (its alias, or friendly name).
inline constexpr const char* pkcs12_alias = "pkcs12_alias";
} // namespace key

/// The environment variable with the key's passphrase; it wins over private_key_passphrase=.
/// (Never a command-line argument: other users see those in ps.)
inline constexpr const char* passphrase_env = "OAUTH1_KEY_PASSPHRASE";

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
# Or, instead of private_key: private_key_file=PATH (a .pem, .der or .p12/.pfx; relative to this
# file's directory), pkcs12_alias=NAME for a .p12 with several keys, and for an encrypted key or a
# .p12 its passphrase in the environment variable OAUTH1_KEY_PASSPHRASE (preferred) or as
# private_key_passphrase=... here.
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
    std::string private_key_file; ///< a key file instead (PEM, DER, base64, .p12)
    std::string passphrase;       ///< of an encrypted key or a .p12 ("" none); never printed
    std::string passphrase_from;  ///< where it came from, for messages ("" when none)
    std::string pkcs12_alias;
    std::string consumer_secret;
    bool has_consumer_secret = false;
    std::string signature_method = "RSA-SHA1";
    bool signature_method_given = false; ///< signature_method= or --signature-method
    std::string profile;                 ///< a service profile's name ("" JIRA's defaults)
    std::string callback = "oob";
    std::string request_token;
    std::string request_token_secret;
    std::string access_token;
    std::string access_token_secret;

    settings() = default;
    settings(const settings&) = default;
    settings(settings&&) = default;
    settings& operator=(const settings&) = default;
    settings& operator=(settings&&) = default;
    ~settings()
    {
        if (!passphrase.empty()) OPENSSL_cleanse(passphrase.data(), passphrase.size());
    }
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
    if (auto v = get(key::private_key_file); !is_unset(v)) s.private_key_file = *v;
    if (auto v = get(key::pkcs12_alias); !is_unset(v)) s.pkcs12_alias = *v;
    // The passphrase as it is (a passphrase may end in a blank); the environment wins.
    if (const char* env = std::getenv(passphrase_env); env != nullptr && *env != '\0') {
        s.passphrase = env;
        s.passphrase_from = std::string("the environment variable ") + passphrase_env;
    } else if (auto v = p.get(key::private_key_passphrase); v && !v->empty()) {
        s.passphrase = *v;
        OPENSSL_cleanse(v->data(), v->size());
        s.passphrase_from = std::string(key::private_key_passphrase) + "=";
    }
    if (auto v = get(key::consumer_secret); v) {
        s.consumer_secret = *v;
        s.has_consumer_secret = true;
    }
    if (auto v = get(key::signature_method); !is_unset(v)) {
        s.signature_method = *v;
        s.signature_method_given = true;
    }
    if (method_override) {
        s.signature_method = *method_override;
        s.signature_method_given = true;
    }
    if (auto v = get(key::profile); !is_unset(v)) s.profile = *v;
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
    if (rsa && s.private_key.empty() && s.private_key_file.empty())
        throw config_error(path + ": private_key is not set: run 'jira-oauth keygen "
                                  "--write-config' (or paste the one-line base64 PKCS#8 key "
                                  "there, or name a key file with private_key_file=) and register "
                                  "the public key with JIRA");
    if (rsa && !s.private_key.empty() && !s.private_key_file.empty())
        throw config_error(path + ": both private_key and private_key_file are set: keep one");
    if (!rsa && !s.has_consumer_secret)
        throw config_error(path + ": consumer_secret is not set: " + s.signature_method +
                           " signs with the consumer's shared secret");
    if (cmd == command::access_token && s.request_token.empty())
        throw config_error(path + ": no request_token: run 'jira-oauth requestToken' first");
    if (cmd == command::request && s.access_token.empty())
        throw config_error(path + ": no access_token: run 'jira-oauth requestToken', allow "
                                  "access, then 'jira-oauth accessToken VERIFIER'");
}

/// The consumer's private key, from private_key= or private_key_file= (relative to the directory
/// of `path`, config.properties), with the passphrase of OAUTH1_KEY_PASSPHRASE or
/// private_key_passphrase= and pkcs12_alias=. Throws config_error naming the setting and the
/// mistake (oauth1's diagnosis), never the key or the passphrase; for an encrypted key without a
/// passphrase it names both ways to give one and how to decrypt the key instead.
inline oauth1::private_key load_settings_key(const settings& s, const std::string& path)
{
    std::string source = "private_key";
    try {
        if (!s.private_key_file.empty()) {
            std::filesystem::path file(s.private_key_file);
            if (file.is_relative()) file = std::filesystem::path(path).parent_path() / file;
            source = "private_key_file (" + file.string() + ")";
            return s.pkcs12_alias.empty()
                       ? oauth1::load_private_key_file(file.string(), s.passphrase)
                       : oauth1::load_private_key_pkcs12_file(file.string(), s.passphrase,
                                                              s.pkcs12_alias);
        }
        return s.pkcs12_alias.empty()
                   ? oauth1::load_private_key(s.private_key, s.passphrase)
                   : oauth1::load_private_key_pkcs12(s.private_key, s.passphrase, s.pkcs12_alias);
    } catch (const oauth1::error& e) {
        std::string what = path + ": " + source + " cannot be loaded: " + e.what();
        if (e.code() == oauth1::errc::key_passphrase_required) {
            what += ". Give the passphrase in the environment variable " +
                    std::string(passphrase_env) + " (preferred; it wins) or as " +
                    key::private_key_passphrase + "=... in " + path +
                    " (never on the command line)";
            // oauth1's message says how to decrypt a PEM key; a .p12 is unpacked instead.
            if (what.find("openssl ") == std::string::npos)
                what += ", or unpack the key once: openssl pkcs12 -in key.p12 -nocerts -nodes "
                        "-out key.pem (then private_key_file=key.pem, mode 0600)";
        }
        else if (e.code() == oauth1::errc::key_passphrase_wrong)
            what += " (the passphrase came from " + s.passphrase_from + ")";
        else if (e.code() == oauth1::errc::pkcs12_alias_required)
            what += ": set " + std::string(key::pkcs12_alias) + "=NAME in " + path;
        else if (source == "private_key" && e.code() != oauth1::errc::key_policy_violation &&
                 s.private_key.find("-----BEGIN") == std::string::npos)
            what += " (expected one line of base64 PKCS#8, as in jira_privatekey.pcks8, or "
                    "private_key_file=PATH)";
        throw config_error(what);
    }
}

} // namespace jira_oauth

#endif // JIRA_OAUTH_CONFIG_HPP

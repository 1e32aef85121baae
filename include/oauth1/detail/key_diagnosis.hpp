// oauth1/detail/key_diagnosis.hpp - private (not part of oauth1's API): why a key was refused
// (the key errc values of oauth1/keys.hpp's loaders), in words a user can act on: the key in
// quotes, base64 wrapped with stray characters, a multi-line PEM pasted into one line or with its
// line breaks escaped, a public key or a certificate where the private key belongs, an encrypted
// key without a passphrase. Used by the throwing loaders only after a failure, so it costs nothing
// on success. The error code stays the loader's; only the message gains the diagnosis.
//
// A diagnosis quotes at most one character of the input (one that is not base64, hence no key
// material), and positions; never key bytes or a passphrase.
#ifndef OAUTH1_DETAIL_KEY_DIAGNOSIS_HPP
#define OAUTH1_DETAIL_KEY_DIAGNOSIS_HPP

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/key_formats.hpp>
#include <oauth1/detail/pkcs12.hpp>
#include <oauth1/error.hpp>

#include <openssl/err.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::detail {

/// `text` without leading and trailing blanks (spaces, tabs, CR, LF).
inline std::string_view key_trimmed(std::string_view text) noexcept
{
    while (!text.empty() && keys_impl::is_base64_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && keys_impl::is_base64_space(text.back())) text.remove_suffix(1);
    return text;
}

/// "the character 'x'", "a backslash", "the byte 0x1F" for one offending input character.
inline std::string key_char_name(char c)
{
    const auto u = static_cast<unsigned char>(c);
    constexpr char hex[] = "0123456789ABCDEF";
    if (u < 0x20 || u >= 0x7F) return std::string("the byte 0x") + hex[u >> 4] + hex[u & 15];
    if (c == '\\') return "a backslash";
    if (c == '"') return "a double quote";
    if (c == '\'') return "a single quote";
    return std::string("the character '") + c + "'";
}

/// What was given instead of a private key, for errc::key_not_private: "a public key" or
/// "an X.509 certificate".
inline const char* key_public_kind(std::string_view data)
{
    if (data.find("-----BEGIN ") != std::string_view::npos) {
        keys_impl::pem_block block;
        for (std::size_t from = 0; keys_impl::next_pem_block(data, from, block);)
            if (block.kind == keys_impl::pem_kind::certificate) return "an X.509 certificate";
        return "a public key";
    }
    keys_impl::wiped_bytes der;
    std::string_view bytes = data;
    if (!data.empty() && static_cast<unsigned char>(data.front()) != 0x30 &&
        keys_impl::decode_base64(data, der))
        bytes = der.view();
    const bool cert = static_cast<bool>(keys_impl::read_certificate_der(bytes));
    ERR_clear_error();
    return cert ? "an X.509 certificate" : "a public key";
}

/// Why `data` could not be loaded as a private key (error `ec` of load_private_key), or "" when
/// no particular mistake is recognised. `passphrase_given` tells whether a passphrase was given.
inline std::string describe_private_key_problem(std::string_view data, const std::error_code& ec,
                                                bool passphrase_given)
{
    if (!ec || ec == errc::key_policy_violation || ec == errc::file_unreadable) return {};
    const std::string_view t = key_trimmed(data);
    if (t.empty()) return {};
    const bool pem = t.find("-----BEGIN") != std::string_view::npos;
    const char first = t.front();
    const char last = t.back();

    // 1. Quotes around the key (config files and shell variables keep them).
    if (first == '"' || first == '\'' || (!pem && (last == '"' || last == '\'')))
        return "the key is in quotes: remove them (the value is the key itself, without quotes)";

    // 2. A PEM that lost its line breaks: escaped as \n, or gone (pasted into one line).
    if (pem) {
        const std::size_t begin = t.find("-----BEGIN");
        const std::size_t end = t.find("-----END", begin);
        const std::string_view block =
            t.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
        if (block.find("\\n") != std::string_view::npos)
            return "the PEM key's line breaks are written as \\n (escaped): write the key with "
                   "real line breaks (BEGIN line, base64 lines, END line), or give only the "
                   "base64 between the BEGIN and END lines, on one line";
        if (block.find('\n') == std::string_view::npos && end != std::string_view::npos)
            return "the PEM key has lost its line breaks (a multi-line PEM pasted into one line, "
                   "e.g. into private_key=): keep it in a file with its BEGIN line, base64 lines "
                   "and END line on lines of their own, or give only the base64 between the "
                   "BEGIN and END lines, on one line";
    }

    // 3. A public key or a certificate where the private key belongs.
    if (ec == errc::key_not_private) {
        const std::string kind = key_public_kind(t);
        return "this is " + kind +
               ", not a private key: the private key is the other half of the key pair, the "
               "one you keep secret (a file starting -----BEGIN PRIVATE KEY----- or -----BEGIN "
               "RSA PRIVATE KEY-----, the one-line base64 PKCS#8 of JIRA's config.properties, "
               "or a .p12 that holds it)" +
               (kind == "an X.509 certificate"
                    ? "; the certificate is what the provider registers to verify signatures"
                    : "; the public key is what the provider registers to verify signatures");
    }

    // 4. An encrypted key without its passphrase.
    if (ec == errc::key_passphrase_required && !passphrase_given) {
        if (keys_impl::looks_like_pkcs12(t)) return {}; // the loader's note says it
        const bool pkcs1 = t.find("Proc-Type:") != std::string_view::npos;
        return std::string("the private key is encrypted: give its passphrase, or decrypt it "
                           "once (this asks for the passphrase) and use the decrypted file: ") +
               (pkcs1 ? "openssl pkey -in enc.pem -out key.pem"
                      : "openssl pkcs8 -in enc.pem -out key.pem") +
               " (then keep key.pem private: chmod 600 key.pem)";
    }
    if (ec == errc::key_passphrase_required || ec == errc::key_passphrase_wrong) return {};

    // 5. A file name where the key's content belongs.
    if (!pem && t.size() < 4096 && t.find_first_of(" \t\r\n") == std::string_view::npos &&
        (first == '/' || first == '~' || first == '.' || keys_impl::ends_with(t, ".pem") ||
         keys_impl::ends_with(t, ".der") || keys_impl::ends_with(t, ".p12") ||
         keys_impl::ends_with(t, ".pfx") || keys_impl::ends_with(t, ".key")))
        return "this looks like a file name, not a key: give the key's content, or load the file "
               "(load_private_key_file)";

    // 6. Headerless base64, possibly wrapped over several lines, with a stray character.
    if (!pem && (ec == errc::key_format_unrecognized || ec == errc::key_base64_invalid)) {
        std::size_t line = 1;
        std::size_t column = 0;
        std::size_t count = 0;
        for (const char c : t) {
            ++column;
            if (c == '\n') {
                ++line;
                column = 0;
                continue;
            }
            if (keys_impl::is_base64_space(c)) continue;
            if (c != '=' && base64_value(c) < 0) {
                const bool wrapped = t.find('\n') != std::string_view::npos;
                std::string where = wrapped ? "line " + std::to_string(line) + ", character " +
                                                  std::to_string(column)
                                            : "character " + std::to_string(column);
                return key_char_name(c) + " at " + where + " is not base64" +
                       (wrapped ? " (base64 wrapped over several lines is accepted when the "
                                  "lines hold only base64: remove it, e.g. a line continuation "
                                  "'\\' or a quote)"
                                : " (a headerless key is base64 only: A-Z a-z 0-9 + / =)");
            }
            ++count;
        }
        if (ec == errc::key_base64_invalid)
            return "the base64 text is cut short or has extra characters (" +
                   std::to_string(count) +
                   " base64 characters; a complete text has a multiple of 4, with '=' only at "
                   "the end): copy the whole key again";
    }
    return {};
}

/// The message of a thrown key error: `context`, the diagnosis when there is one, then `why`
/// (" (<format>): <reasons>" from the loader).
inline std::string key_error_message(const char* context, const std::string& why,
                                     std::string_view data, const std::error_code& ec,
                                     bool passphrase_given)
{
    const std::string diagnosis = describe_private_key_problem(data, ec, passphrase_given);
    if (diagnosis.empty()) return context + why;
    return std::string(context) + ": " + diagnosis + why;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_KEY_DIAGNOSIS_HPP

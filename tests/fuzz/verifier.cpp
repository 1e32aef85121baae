// libFuzzer target: the whole provider-side verifier (oauth1::request_verifier::verify).
//
// Input: one selector byte (token requirement, PLAINTEXT over http allowed or not), then
// method NUL url NUL content-type NUL authorization NUL body. The provider knows three consumers
// - "hmac" (secret "cs", HMAC-SHA*), "rsa" (RSA-SHA* with tests/data/keys/oauthlib_pub.pem) and
// "plain" (PLAINTEXT only) - and their tokens ("tok" of hmac, "rtok" of rsa, "ptok" of plain,
// "req" a request token of hmac), at a fixed clock (1700000000). The seed corpus holds correctly
// signed requests of every kind, so mutations explore both sides of every check.
//
// Invariants: no crash, no sanitizer report, bounded time (libFuzzer -timeout); a request that
// verifies was signed: re-signing the base string rebuilt from its URL (parsed again by the
// public signature_base_string) and the verified parameters, with the consumer's own secret or
// private key, gives exactly the signature it carried; the token (if any) was issued to that
// consumer; the method is one the consumer allows, and PLAINTEXT only over https unless allowed;
// a verified request is refused as a replay the second time.
#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <system_error>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

constexpr std::uint64_t fuzz_now = 1'700'000'000;

struct fixed_clock {
    std::uint64_t operator()() const noexcept { return fuzz_now; }
};

struct world {
    oauth1::private_key rsa_private =
        oauth1::load_private_key_file(OAUTH1_TEST_DATA_DIR "/keys/oauthlib_key.pem");
    std::map<std::string, oauth1::consumer_credentials, std::less<>> consumers;
    std::map<std::string, oauth1::token_credentials, std::less<>> tokens;

    world()
    {
        consumers["hmac"] = {"cs", {}, oauth1::method_set::defaults()};
        consumers["rsa"] = {"", rsa_private.public_part(), oauth1::method_set::defaults()};
        consumers["plain"] = {"ps", {}, {oauth1::signature_method::plaintext}};
        tokens["tok"] = {"hmac", "ts"};
        tokens["rtok"] = {"rsa", ""};
        tokens["ptok"] = {"plain", "pts"};
        tokens["req"] = {"hmac", "rs", oauth1::token_kind::request};
    }
};

const world& the_world()
{
    static const world w;
    return w;
}

struct consumer_lookup {
    const oauth1::consumer_credentials* operator()(std::string_view k) const
    {
        const auto& c = the_world().consumers;
        const auto it = c.find(k);
        return it == c.end() ? nullptr : &it->second;
    }
};

// Deliberately ignores the consumer key: the verifier itself must enforce the binding.
struct token_lookup {
    const oauth1::token_credentials* operator()(std::string_view, std::string_view t) const
    {
        const auto& m = the_world().tokens;
        const auto it = m.find(t);
        return it == m.end() ? nullptr : &it->second;
    }
};

std::string_view next_field(std::string_view& rest)
{
    const std::size_t nul = rest.find('\0');
    const std::string_view f = rest.substr(0, nul);
    rest.remove_prefix(nul == std::string_view::npos ? rest.size() : nul + 1);
    return f;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) return 0;
    const world& w = the_world();
    const unsigned selector = data[0];
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    oauth1::incoming_request req;
    req.method = next_field(rest);
    req.url = next_field(rest);
    req.content_type = next_field(rest);
    req.authorization = next_field(rest);
    req.body = rest;

    oauth1::verify_options opts;
    constexpr oauth1::token_requirement requirements[] = {
        oauth1::token_requirement::access, oauth1::token_requirement::optional,
        oauth1::token_requirement::none, oauth1::token_requirement::request};
    opts.token = requirements[selector & 3U];
    opts.allow_plaintext_over_http = (selector & 4U) != 0;
    opts.keep_base_string = (selector & 8U) != 0;

    oauth1::memory_nonce_store store;
    const oauth1::request_verifier<consumer_lookup, token_lookup, oauth1::memory_nonce_store,
                                   fixed_clock>
        v({}, {}, store);
    oauth1::verify_result r;
    std::error_code ec;
    v.verify(req, opts, r, ec);
    if (ec) __builtin_trap(); // a memory store at its defaults always decides
    // OAUTH1_FUZZ_VERBOSE=1 prints each outcome (to see what the seeds reach).
    static const bool verbose = std::getenv("OAUTH1_FUZZ_VERBOSE") != nullptr;
    if (verbose)
        std::fprintf(stderr, "verifier: %s\n", r.ok() ? "verified" : r.problem->summary().c_str());
    if (!r.ok()) {
        if (!r.problem) __builtin_trap(); // every refusal names its problem
        return 0;
    }

    // Verified: the consumer, its method, the token's owner.
    const auto consumer = w.consumers.find(r.consumer_key);
    if (consumer == w.consumers.end() || !r.method) __builtin_trap();
    const oauth1::consumer_credentials& cc = consumer->second;
    if (!cc.methods.contains(*r.method)) __builtin_trap();
    std::string token_secret;
    if (!r.token.empty()) {
        const auto t = w.tokens.find(r.token);
        if (t == w.tokens.end() || t->second.consumer_key != r.consumer_key) __builtin_trap();
        token_secret = t->second.secret;
    }
    if (*r.method == oauth1::signature_method::plaintext && !opts.allow_plaintext_over_http) {
        std::string scheme(req.url.substr(0, req.url.find(':')));
        for (char& c : scheme) c = static_cast<char>(c | 0x20);
        if (scheme != "https") __builtin_trap();
    }
    if (r.nonce.size() > opts.limits.max_nonce_bytes) __builtin_trap();

    // Re-sign: the base string rebuilt from the request as received - base string URI by the
    // public (Boost.URL) function, query cut from the URL text, form body if form-encoded, the
    // Authorization header's parameters - and signed with what the consumer really holds.
    oauth1::parameter_list all;
    std::string_view url = req.url;
    url = url.substr(0, url.find('#'));
    const std::size_t q = url.find('?');
    if (q != std::string_view::npos) all.add_form(url.substr(q + 1), ec);
    if (ec) __builtin_trap(); // the verifier parsed this query
    if (oauth1::is_form_urlencoded(req.content_type)) all.add_form(req.body, ec);
    if (ec) __builtin_trap();
    oauth1::parsed_authorization header;
    std::error_code hec;
    oauth1::parse_authorization_header(req.authorization, header, hec);
    if (!hec) all.append(header.parameters);
    all.erase("oauth_signature");
    all.sort();
    const std::string uri = oauth1::base_string_uri(req.url, ec);
    if (ec) __builtin_trap(); // the verifier parsed this URL
    std::string base;
    oauth1::signature_base_string_append(req.method, uri, all, base);
    if (opts.keep_base_string && base != r.base_string) __builtin_trap();
    std::string again;
    switch (*r.method) {
    case oauth1::signature_method::hmac_sha1:
        oauth1::hmac_sha1(cc.secret, token_secret).sign(base, again, ec);
        break;
    case oauth1::signature_method::hmac_sha256:
        oauth1::hmac_sha256(cc.secret, token_secret).sign(base, again, ec);
        break;
    case oauth1::signature_method::hmac_sha512:
        oauth1::hmac_sha512(cc.secret, token_secret).sign(base, again, ec);
        break;
    case oauth1::signature_method::rsa_sha1:
        oauth1::rsa_sha1(w.rsa_private).sign(base, again, ec);
        break;
    case oauth1::signature_method::rsa_sha256:
        oauth1::rsa_sha256(w.rsa_private).sign(base, again, ec);
        break;
    case oauth1::signature_method::rsa_sha512:
        oauth1::rsa_sha512(w.rsa_private).sign(base, again, ec);
        break;
    case oauth1::signature_method::plaintext:
        oauth1::plaintext(cc.secret, token_secret).sign(base, again, ec);
        break;
    }
    if (ec || again != r.signature) __builtin_trap();

    // And it cannot be used twice.
    oauth1::verify_result replay;
    v.verify(req, opts, replay, ec);
    if (ec || replay.ok() || !replay.problem || replay.problem->code != oauth1::problem::nonce_used)
        __builtin_trap();
    return 0;
}

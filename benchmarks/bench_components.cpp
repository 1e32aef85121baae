// benchmarks/bench_components.cpp - the stages of the signing pipeline, one at a time, with
// reused output buffers (so allocs/op shows which stage allocates, if any):
//   component/percent_encode/1KiB-mixed     RFC 5849 3.6 encoding of 1 KiB of mixed text
//   component/parse_url/<w>                 Boost.URL parse + base string URI (3.4.1.2)
//   component/collect_sort/<w>              URL query + form body + protocol parameters
//                                           collected, re-encoded and sorted (3.4.1.3)
//   component/base_string/<w>               base string from sorted parameters (3.4.1.1)
//   component/authorization_header/W2       "OAuth ..." header value (3.5.1)
//   component/body_hash/64KiB               oauth_body_hash of a 64 KiB body (public API, which
//                                           returns a std::string: one allocation)
// (component/signer/* rows, which need the keys, are registered by bench_sign.cpp.)
#include "bench_common.hpp"

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace oauth1_bench {
namespace {

/// 1024 bytes mixing unreserved characters, reserved ASCII and UTF-8 (about 1/3 needs escaping).
std::string mixed_text_1kib()
{
    const std::string piece =
        "Hello Ladies + Gentlemen, a signed OAuth request! caf\xC3\xA9 \xE2\x82\xAC 100% "
        "key=value&x=[1,2]; ~user/path_name-v1.2 ";
    std::string s;
    while (s.size() < 1024) s += piece;
    s.resize(1024);
    return s;
}

/// The protocol parameters of a workload's signature, without oauth_signature.
void add_protocol(oauth1::parameter_list& p)
{
    p.add("oauth_consumer_key", consumer_key);
    p.add("oauth_nonce", nonce);
    p.add_encoded("oauth_signature_method", "HMAC-SHA1");
    p.add_encoded("oauth_timestamp", "1191242096");
    p.add("oauth_token", token);
    p.add_encoded("oauth_version", "1.0");
}

/// Collects the request's and the protocol parameters into `all` and sorts them.
bool collect_and_sort(const workload& w, oauth1::parameter_list& all, std::error_code& ec)
{
    all.clear();
    add_protocol(all);
    const auto url = oauth1::parse_request_url(w.url, ec);
    if (ec) return false;
    if (url.has_query()) {
        const auto q = url.encoded_query();
        all.add_form(std::string_view(q.data(), q.size()), ec);
        if (ec) return false;
    }
    if (oauth1::is_form_urlencoded(w.content_type)) {
        all.add_form(w.body, ec);
        if (ec) return false;
    }
    all.sort();
    return true;
}

void register_percent_encode()
{
    benchmark::RegisterBenchmark("component/percent_encode/1KiB-mixed", [](benchmark::State& st) {
        const std::string in = mixed_text_1kib();
        std::string out;
        oauth1::percent_encode_append(in, out);
        const alloc_snapshot before = allocations();
        for (auto _ : st) {
            out.clear();
            oauth1::percent_encode_append(in, out);
            benchmark::DoNotOptimize(out.data());
            benchmark::ClobberMemory();
        }
        finish(st, before);
        st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) *
                             static_cast<std::int64_t>(in.size()));
    });
}

void register_pipeline(const workload& w)
{
    benchmark::RegisterBenchmark(("component/parse_url/" + w.name).c_str(),
                                 [w](benchmark::State& st) {
                                     std::string uri;
                                     uri.reserve(256);
                                     std::error_code ec;
                                     const alloc_snapshot before = allocations();
                                     for (auto _ : st) {
                                         uri.clear();
                                         const auto u = oauth1::parse_request_url(w.url, ec);
                                         oauth1::base_string_uri_append(u, uri);
                                         benchmark::DoNotOptimize(uri.data());
                                         benchmark::ClobberMemory();
                                     }
                                     finish(st, before);
                                     if (ec) st.SkipWithError("URL parse failed");
                                 });
    benchmark::RegisterBenchmark(("component/collect_sort/" + w.name).c_str(),
                                 [w](benchmark::State& st) {
                                     oauth1::parameter_list all;
                                     std::error_code ec;
                                     if (!collect_and_sort(w, all, ec)) {
                                         st.SkipWithError("collecting parameters failed");
                                         return;
                                     }
                                     const alloc_snapshot before = allocations();
                                     for (auto _ : st) {
                                         collect_and_sort(w, all, ec);
                                         benchmark::DoNotOptimize(all.size());
                                         benchmark::ClobberMemory();
                                     }
                                     finish(st, before);
                                 });
    benchmark::RegisterBenchmark(
        ("component/base_string/" + w.name).c_str(), [w](benchmark::State& st) {
            oauth1::parameter_list all;
            std::error_code ec;
            if (!collect_and_sort(w, all, ec)) {
                st.SkipWithError("collecting parameters failed");
                return;
            }
            const std::string uri = oauth1::base_string_uri(w.url);
            std::string out;
            oauth1::signature_base_string_append(w.method, uri, all, out);
            const alloc_snapshot before = allocations();
            for (auto _ : st) {
                out.clear();
                oauth1::signature_base_string_append(w.method, uri, all, out);
                benchmark::DoNotOptimize(out.data());
                benchmark::ClobberMemory();
            }
            finish(st, before);
        });
}

void register_authorization_header()
{
    benchmark::RegisterBenchmark("component/authorization_header/W2", [](benchmark::State& st) {
        oauth1::parameter_list p;
        add_protocol(p);
        p.add("oauth_signature", "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
        std::string out;
        std::error_code ec;
        oauth1::authorization_header_append(p, std::nullopt, out, ec);
        const alloc_snapshot before = allocations();
        for (auto _ : st) {
            out.clear();
            oauth1::authorization_header_append(p, std::nullopt, out, ec);
            benchmark::DoNotOptimize(out.data());
            benchmark::ClobberMemory();
        }
        finish(st, before);
        if (ec) st.SkipWithError("header output failed");
    });
}

void register_body_hash()
{
    benchmark::RegisterBenchmark("component/body_hash/64KiB", [](benchmark::State& st) {
        const std::string body = large_body().body;
        std::error_code ec;
        const alloc_snapshot before = allocations();
        for (auto _ : st) {
            std::string h = oauth1::body_hash(oauth1::signature_method::hmac_sha1, body, ec);
            benchmark::DoNotOptimize(h.data());
            benchmark::ClobberMemory();
        }
        finish(st, before);
        st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) *
                             static_cast<std::int64_t>(body.size()));
        if (ec) st.SkipWithError("body hash failed");
    });
}

} // namespace

void register_component_benchmarks()
{
    register_percent_encode();
    for (const workload& w : {w2(), w3_50q()}) register_pipeline(w);
    register_authorization_header();
    register_body_hash();
}

} // namespace oauth1_bench

// benchmarks/compile_cost/oauth1_tu.cpp - the oauth1 side of the compile-cost comparison
// (benchmarks/compile_cost.sh): the umbrella header and one HMAC-SHA1 signature of a request, so
// that the client, the signer, the URL parsing and the base string templates are instantiated.
// Compiled with -c only (never linked), twice: header-only, and with OAUTH1_SEPARATE_COMPILATION
// (where that code comes from oauth1/src.hpp, compiled elsewhere, and is not timed).
#include <oauth1/oauth1.hpp>

#include <string>

std::string compile_cost_sign(const std::string& url)
{
    oauth1::basic_client<oauth1::hmac_sha1> client{"OauthKey",
                                                   oauth1::hmac_sha1("kd94hf93k423kf44")};
    client.set_token("tZdRDuLnz8F1uTC0UEGuvUCxJNdOhqsd", "pfkkdhi9sl3r4s00");
    oauth1::sign_options options;
    options.nonce = "kllo9940pd9333jh";
    options.timestamp = 1191242096;
    const oauth1::signed_request signed_req = client.sign({"GET", url, "", ""}, options);
    return std::string(signed_req.authorization());
}

#!/usr/bin/perl
# A signed GET with Perl's Net::OAuth (Debian libnet-oauth-perl), RSA-SHA1, Authorization header:
# the Perl client of tests/interop/jira_clients.py (which gets the access token first).
#
#   perl tests/interop/jira_get.pl BASE_URL CONSUMER_KEY PRIVATE_KEY_PEM TOKEN TOKEN_SECRET PATH
#
# Prints the HTTP status on the first line, then the body. Exit status 0 when it got an answer,
# 3 when Net::OAuth or Crypt::OpenSSL::RSA cannot be loaded, 2 on bad arguments.
use strict;
use warnings;

BEGIN {
    for my $module (qw(Net::OAuth Crypt::OpenSSL::RSA)) {
        next if eval "require $module; 1";
        print STDERR "jira_get.pl: cannot load $module ($@): install Debian's libnet-oauth-perl\n";
        exit 3;
    }
}
use HTTP::Tiny;

if (@ARGV != 6) {
    print STDERR "usage: jira_get.pl BASE_URL CONSUMER_KEY PRIVATE_KEY_PEM TOKEN TOKEN_SECRET PATH\n";
    exit 2;
}
my ($base, $consumer_key, $key_file, $token, $secret, $path) = @ARGV;

$Net::OAuth::PROTOCOL_VERSION = Net::OAuth::PROTOCOL_VERSION_1_0A();
open(my $fh, '<', $key_file) or die "jira_get.pl: cannot read $key_file: $!\n";
my $pem = do { local $/; <$fh> };
close($fh);
my $key = Crypt::OpenSSL::RSA->new_private_key($pem);

# Net::OAuth signs the URL's query parameters only when given as extra_params.
my ($url, $query) = split /\?/, $base . $path, 2;
my %extra;
for my $pair (split /&/, $query // '') {
    my ($name, $value) = map { my $s = $_ // ''; $s =~ s/\+/ /g; $s =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; $s }
        split /=/, $pair, 2;
    $extra{$name} = $value;
}
my @alphabet = ('a' .. 'z', 'A' .. 'Z', '0' .. '9');
my $request = Net::OAuth->request('protected resource')->new(
    consumer_key     => $consumer_key,
    consumer_secret  => '',
    token            => $token,
    token_secret     => $secret,
    request_url      => $url,
    request_method   => 'GET',
    signature_method => 'RSA-SHA1',
    signature_key    => $key,
    timestamp        => time,
    nonce            => join('', map { $alphabet[rand @alphabet] } 1 .. 32),
    extra_params     => \%extra,
);
$request->sign;
my $response = HTTP::Tiny->new->get($base . $path, {
    headers => { Authorization => $request->to_authorization_header, Accept => 'application/json' },
});
print "$response->{status}\n$response->{content}\n";
exit 0;

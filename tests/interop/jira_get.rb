#!/usr/bin/ruby
# A signed GET with Ruby's oauth gem (Debian ruby-oauth), RSA-SHA1, Authorization header: the
# Ruby client of tests/interop/jira_clients.py (which gets the access token first).
#
#   ruby tests/interop/jira_get.rb BASE_URL CONSUMER_KEY PRIVATE_KEY_PEM TOKEN TOKEN_SECRET PATH
#
# Prints the HTTP status on the first line, then the body. Exit status 0 when it got an answer,
# 3 when the oauth gem cannot be loaded, 2 on bad arguments.
begin
  require 'oauth'
rescue LoadError => e
  warn "jira_get.rb: cannot load the oauth gem (#{e.message}): install Debian's ruby-oauth"
  exit 3
end
require 'openssl'

if ARGV.size != 6
  warn 'usage: jira_get.rb BASE_URL CONSUMER_KEY PRIVATE_KEY_PEM TOKEN TOKEN_SECRET PATH'
  exit 2
end
base, consumer_key, key_file, token, secret, path = ARGV

consumer = OAuth::Consumer.new(consumer_key, nil,
                               site: base, scheme: :header, signature_method: 'RSA-SHA1',
                               private_key_file: key_file)
access = OAuth::AccessToken.new(consumer, token, secret)
response = access.get(path, 'Accept' => 'application/json')
puts response.code
puts response.body

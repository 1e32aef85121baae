#!/usr/bin/env node
// A signed GET with node's oauth-1.0a package (npm), RSA-SHA1 through node's crypto,
// Authorization header: the Node.js client of tests/interop/jira_clients.py (which gets the access
// token first). oauth-1.0a is installed into tests/interop/node/node_modules by scripts/setup-deps.
//
//   node tests/interop/jira_get.js BASE_URL CONSUMER_KEY PRIVATE_KEY_PEM TOKEN TOKEN_SECRET PATH
//
// Prints the HTTP status on the first line, then the body. Exit status 0 when it got an answer,
// 3 when oauth-1.0a cannot be loaded, 2 on bad arguments, 1 on a transport error.
'use strict';
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');
const http = require('http');

let OAuth;
try {
  OAuth = require(path.join(__dirname, 'node', 'node_modules', 'oauth-1.0a'));
} catch (e) {
  process.stderr.write('jira_get.js: cannot load the oauth-1.0a package (' + e.code + '): run ' +
                       'scripts/setup-deps, which installs it into tests/interop/node\n');
  process.exit(3);
}

const args = process.argv.slice(2);
if (args.length !== 6) {
  process.stderr.write('usage: jira_get.js BASE_URL CONSUMER_KEY PRIVATE_KEY_PEM TOKEN TOKEN_SECRET PATH\n');
  process.exit(2);
}
const [base, consumerKey, keyFile, token, tokenSecret, resource] = args;
const privateKey = fs.readFileSync(keyFile, 'utf8');

const oauth = OAuth({
  consumer: {key: consumerKey, secret: ''},
  signature_method: 'RSA-SHA1',
  hash_function(baseString) {
    return crypto.createSign('RSA-SHA1').update(baseString).sign(privateKey, 'base64');
  },
});
const url = base + resource;
const auth = oauth.toHeader(oauth.authorize({url, method: 'GET'}, {key: token, secret: tokenSecret}));

const req = http.get(url, {headers: {Authorization: auth.Authorization, Accept: 'application/json'}},
                     (res) => {
                       let body = '';
                       res.setEncoding('utf8');
                       res.on('data', (chunk) => { body += chunk; });
                       res.on('end', () => {
                         process.stdout.write(res.statusCode + '\n' + body + '\n');
                       });
                     });
req.setTimeout(30000, () => req.destroy(new Error('timeout')));
req.on('error', (e) => {
  process.stderr.write('jira_get.js: ' + e.message + '\n');
  process.exit(1);
});

// A real OpenID Connect provider (the certified `oidc-provider` package) for Intervy's SSO tests.
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json (written by tests/oidc_provider.py): {"jwks": {...}, "clients": [...],
// "accounts": {"<login>": {"password": "...", "claims": {...}}}}. The server listens on a free
// loopback port, then prints one line, "READY <issuer>", and serves until it is killed.
//
// Its own small login and consent pages replace the package's development pages, which load a
// web font from the internet: these load nothing from anywhere.

import http from 'node:http';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Test IdP</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function loginPage(uid, error = '') {
  return page('Test IdP sign-in', `
    ${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${escape(uid)}/login">
      <p><label for="login">Login</label> <input id="login" name="login" required autofocus></p>
      <p><label for="password">Password</label> <input id="password" name="password" type="password" required></p>
      <button type="submit">Sign in to Test IdP</button>
    </form>`);
}

function consentPage(uid, clientId, scopes) {
  return page('Authorize', `
    <p>The application <strong>${escape(clientId)}</strong> asks for: ${escape(scopes.join(', '))}.</p>
    <form method="post" action="/interaction/${escape(uid)}/confirm">
      <button type="submit">Allow</button>
    </form>`);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: config.jwks,
    cookies: { keys: ['intervy-test-provider-cookie-key'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      groups: ['groups'],
    },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
    },
    // Every client must prove possession of its code (PKCE), confidential ones included.
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Sign out of Test IdP?', `${form}
            <button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
            <button type="submit" form="op.logoutForm">No, stay signed in</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out of Test IdP', '<p>You are signed out.</p>');
        },
      },
    },
    async renderError(ctx, out, error) {
      ctx.type = 'html';
      const cause = error?.cause ? `<p>Cause: ${escape(error.cause.message || error.cause)}</p>` : '';
      ctx.body = page('Test IdP error', `<pre>${escape(JSON.stringify(out, null, 2))}</pre>${cause}`);
    },
  });
  const oidc = provider.callback();

  async function interaction(req, res) {
    const [, , uid, action] = new URL(req.url, issuer).pathname.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, page('Test IdP error', '<p>Unknown interaction.</p>'));
    if (req.method === 'GET') {
      if (details.prompt.name === 'login') return send(res, 200, loginPage(uid));
      const scopes = details.prompt.details.missingOIDCScope || [];
      return send(res, 200, consentPage(uid, details.params.client_id, scopes));
    }
    const form = await readForm(req);
    if (action === 'login') {
      const login = form.get('login') || '';
      const account = accounts[login];
      if (!account || account.password !== form.get('password')) {
        return send(res, 200, loginPage(uid, 'Wrong login or password.'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    }
    if (action === 'confirm') {
      const { prompt: { details: missing }, params, session } = details;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      const consent = details.grantId ? {} : { grantId };
      return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    }
    return send(res, 404, page('Test IdP error', '<p>Not found.</p>'));
  }

  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((error) => send(res, 400, page('Test IdP error', `<p>${escape(error.message)}</p>`)));
    } else {
      oidc(req, res);
    }
  });
  process.stdout.write(`READY ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));

// If the test run that started it dies without stopping it, it stops by itself.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();

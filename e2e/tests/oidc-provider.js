// An OpenID provider for the sign-on tests: the npm package `oidc-provider` (a certified
// OpenID Connect implementation), started in this process on a free loopback port with its
// development login pages (any password; the login name is the account).
//
// `provider.tamper` makes the token endpoint hand out a bad ID token, as an attacker between
// the provider and Beredskap (or a broken provider) would:
// - 'forged':   the claims re-signed with another key under the provider's key id;
// - 'audience': signed by the provider, but for another client;
// - 'expired':  signed by the provider, but expired ten minutes ago.
'use strict';
const http = require('node:http');
const { freePort } = require('./helpers');

async function startProvider({ clients, accounts, claims }) {
  const { default: Provider } = await import('oidc-provider');
  const jose = await import('jose');
  const kid = 'provider-key';
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    claims: { openid: ['sub'], ...claims },
    // The claims of the scopes asked for go into the ID token itself (as Entra ID's groups
    // and a broker's identity number do), not only to the userinfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  const state = { tamper: null };
  provider.use(async (ctx, next) => {
    await next();
    if (!state.tamper || ctx.method !== 'POST' || ctx.path !== '/token') return;
    if (!ctx.body || !ctx.body.id_token) return;
    const claimsOf = jose.decodeJwt(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    let key = privateKey;
    if (state.tamper === 'forged') {
      ({ privateKey: key } = await jose.generateKeyPair('RS256'));
    } else if (state.tamper === 'audience') {
      claimsOf.aud = 'another-client';
    } else if (state.tamper === 'expired') {
      claimsOf.iat = now - 3600;
      claimsOf.exp = now - 600;
    }
    ctx.body = {
      ...ctx.body,
      id_token: await new jose.SignJWT(claimsOf).setProtectedHeader({ alg: 'RS256', kid }).sign(key),
    };
  });
  const server = http.createServer(provider.callback());
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    set tamper(mode) { state.tamper = mode; },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startProvider };

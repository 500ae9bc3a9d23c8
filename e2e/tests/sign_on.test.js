// Single sign-on with OpenID Connect against a real provider run here (the npm package
// `oidc-provider`): a member of staff logs in through the organisation's provider and gets the
// role their group maps to; a customer logs in through an e-ID broker and is matched by the
// personal identity number. A forged token, a token for another client, an expired token and
// a replayed code are all refused, and so are a person without a role and a number that
// belongs to no customer. The login page has 0 axe violations with the sign-on links and with
// a refusal on it.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startDemo, launch, axe, freePort } = require('./helpers');
const { startProvider } = require('./oidc-provider');

const PNR_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';
// The demo's customer account (Karin Lindqvist) has this number (services::demo).
const KARIN = '197803142384';
// A valid number that belongs to no customer of the demo town.
const STRANGER = '198001011231';

let demo;
let idp;
let broker;
let browser;

before(async () => {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  idp = await startProvider({
    clients: [{
      client_id: 'beredskap-personal',
      client_secret: 'personal-secret-for-the-test-rig',
      redirect_uris: [`${base}/logga-in/organisation/svar`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: { profile: ['name', 'preferred_username', 'groups'], email: ['email'] },
    accounts: {
      anna: { name: 'Anna Berg', preferred_username: 'anna.berg@kommun.example', groups: ['alla', 'beredskap-planerare'] },
      olle: { name: 'Olle Ek', preferred_username: 'olle.ek@kommun.example', groups: ['alla'] },
      // Calls themself the demo's administrator.
      mallory: { name: 'Mallory', preferred_username: 'admin', groups: ['beredskap-planerare'] },
    },
  });
  broker = await startProvider({
    clients: [{
      client_id: 'beredskap-kund',
      client_secret: 'customer-secret-for-the-test-rig',
      redirect_uris: [`${base}/logga-in/e-legitimation/svar`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: { profile: ['name', PNR_CLAIM] },
    accounts: {
      karin: { name: 'Karin Lindqvist', [PNR_CLAIM]: KARIN },
      stranger: { name: 'Sven Främling', [PNR_CLAIM]: STRANGER },
    },
  });
  const config = `
[http]
public_url = "${base}"

[sign_on.staff]
issuer = "${idp.issuer}"
client_id = "beredskap-personal"
client_secret = "personal-secret-for-the-test-rig"
roles = "beredskap-admin=admin,beredskap-planerare=planner"

[sign_on.customer]
issuer = "${broker.issuer}"
client_id = "beredskap-kund"
client_secret = "customer-secret-for-the-test-rig"
`;
  demo = await startDemo([], { listen: `127.0.0.1:${port}`, config });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (demo) demo.stop();
  if (idp) await idp.stop();
  if (broker) await broker.stop();
});

// From the login page through the provider's login and consent pages and back; the answer's
// URL (with its code and state) is returned with the page's final status.
async function signOn(page, linkName, login) {
  let answer = null;
  page.on('request', (r) => { if (/\/svar\?/.test(r.url())) answer = r.url(); });
  await page.goto(`${demo.url}/logga-in`);
  await page.getByRole('link', { name: linkName }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const back = page.waitForResponse((r) => /\/svar\?/.test(r.url()));
  await page.getByRole('button', { name: 'Continue' }).click();
  const response = await back;
  await page.waitForLoadState('load');
  return { answer, status: response.status() };
}

const STAFF = 'Logga in med organisationens konto';
const CUSTOMER = 'Logga in med BankID eller Freja eID';

async function loggedInAs(page) {
  await page.goto(`${demo.url}/konto`);
  return page.url().endsWith('/konto') ? page.locator('main').innerText() : null;
}

test('staff log in through the organisation and get the role of their group', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.url}/logga-in`);
  await page.getByRole('link', { name: STAFF }).waitFor();
  await page.getByRole('link', { name: CUSTOMER }).waitFor();
  assert.deepEqual(await axe(page), []);

  const { answer, status } = await signOn(page, STAFF, 'anna');
  assert.equal(status, 303);
  await page.waitForURL(/\/personal$/);
  const account = await loggedInAs(page);
  assert.match(account, /anna\.berg@kommun\.example/);
  assert.match(account, /Planerare/);
  assert.match(account, /Du loggar in via organisationens inloggning/);
  assert.ok(answer, 'the provider sent the browser back with a code');

  // The same answer again, in the same browser: the state was used up.
  await page.getByRole('button', { name: 'Logga ut' }).click();
  const again = await page.goto(answer);
  assert.equal(again.status(), 401);
  await page.getByText('Inloggningen tog för lång tid eller startades i en annan webbläsare').waitFor();
  assert.deepEqual(await axe(page), []);
  assert.equal(await loggedInAs(page), null);

  // The code, stolen, with a login of the thief's own (a fresh state bound to the thief's
  // browser): Beredskap sends the code to the provider, which refuses a code used once.
  const thief = await browser.newContext();
  const begun = await thief.request.get(`${demo.url}/logga-in/organisation`, { maxRedirects: 0 });
  assert.equal(begun.status(), 303);
  const state = new URL(begun.headers().location).searchParams.get('state');
  const code = new URL(answer).searchParams.get('code');
  const thiefPage = await thief.newPage();
  const replay = await thiefPage.goto(
    `${demo.url}/logga-in/organisation/svar?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`);
  assert.equal(replay.status(), 401);
  await thiefPage.getByText('Inloggningen kunde inte bekräftas').waitFor();
  assert.equal(await loggedInAs(thiefPage), null);
  await thief.close();
  await context.close();
});

for (const [mode, what, reason] of [
  ['forged', 'signed with another key', /signature/i],
  ['audience', 'issued to another client', /audience/i],
  ['expired', 'expired', /expired/i],
]) {
  test(`an ID token ${what} is refused`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    idp.tamper = mode;
    try {
      const { status } = await signOn(page, STAFF, 'anna');
      assert.equal(status, 401);
      await page.getByText('Inloggningen kunde inte bekräftas').waitFor();
      assert.equal(await loggedInAs(page), null);
      // Refused for the right reason: the server's log says which check failed.
      const refusal = demo.logs().split('\n').filter((l) => l.includes('sign-on refused')).pop();
      assert.match(refusal, reason);
    } finally {
      idp.tamper = null;
      await context.close();
    }
  });
}

test('an answer that names another issuer is refused', async () => {
  const context = await browser.newContext();
  const begun = await context.request.get(`${demo.url}/logga-in/organisation`, { maxRedirects: 0 });
  const state = new URL(begun.headers().location).searchParams.get('state');
  const page = await context.newPage();
  const mixed = await page.goto(`${demo.url}/logga-in/organisation/svar?code=x&state=${encodeURIComponent(state)}`
    + `&iss=${encodeURIComponent(broker.issuer)}`);
  assert.equal(mixed.status(), 401);
  await page.getByText('Inloggningen kunde inte bekräftas').waitFor();
  const refusal = demo.logs().split('\n').filter((l) => l.includes('sign-on refused')).pop();
  assert.match(refusal, /iss/);
  await context.close();
});

test("a provider's name for someone does not take over an account made another way", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { status } = await signOn(page, STAFF, 'mallory');
  assert.equal(status, 401);
  await page.getByText('Inloggningen kunde inte bekräftas').waitFor();
  const refusal = demo.logs().split('\n').filter((l) => l.includes('sign-on refused')).pop();
  assert.match(refusal, /belongs to an account made another way/);
  assert.equal(await loggedInAs(page), null);
  await context.close();
});

test('a member of staff whose groups map to no role is refused', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { status } = await signOn(page, STAFF, 'olle');
  assert.equal(status, 401);
  await page.getByText('Ditt konto i organisationen har ingen roll i Beredskap').waitFor();
  assert.equal(await loggedInAs(page), null);
  await context.close();
});

test('a customer logs in with e-ID and is matched by the personal identity number', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { status } = await signOn(page, CUSTOMER, 'karin');
  assert.equal(status, 303);
  await page.waitForURL(/\/mina-sidor$/);
  assert.match(await page.locator('main').innerText(), /Karin/);
  assert.deepEqual(await axe(page), []);
  await context.close();

  const other = await browser.newContext();
  const strangerPage = await other.newPage();
  const refused = await signOn(strangerPage, CUSTOMER, 'stranger');
  assert.equal(refused.status, 401);
  await strangerPage.getByText('Vi hittar ingen kund med ditt personnummer').waitFor();
  assert.equal(await loggedInAs(strangerPage), null);
  await other.close();
});

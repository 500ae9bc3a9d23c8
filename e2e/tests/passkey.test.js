// Passkeys: a member of staff adds one on the account page and logs in with it as the second
// step, with Chromium's virtual authenticator (WebAuthn over the DevTools protocol) in place
// of a fingerprint reader or a security key. Both pages have 0 axe violations.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startDemo, launch, login, axe } = require('./helpers');

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (demo) demo.stop();
});

test('a planner adds a passkey and logs in with it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  await login(page, demo.url, 'planerare');
  await page.goto(`${demo.url}/konto`);
  await page.getByText('Du har inga nycklar än.').waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel('Namn på nyckeln').fill('Testdatorn');
  await page.getByRole('button', { name: 'Lägg till en nyckel' }).click();
  await page.getByText(/Testdatorn: tillagd/).waitFor();
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1, 'the authenticator holds the new passkey');
  assert.equal(credentials[0].rpId, 'localhost');
  assert.deepEqual(await axe(page), []);

  // The next login asks for the second step, and the passkey gives it.
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await login(page, demo.url, 'planerare');
  assert.match(page.url(), /\/logga-in\/totp$/);
  await page.getByRole('button', { name: 'Logga in med nyckel' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: 'Logga in med nyckel' }).click();
  await page.waitForURL(/\/personal$/);
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.ok(after.credentials[0].signCount >= 1, 'the authenticator signed the login');
  await page.goto(`${demo.url}/konto`);
  assert.match(await page.textContent('main'), /Testdatorn: tillagd [0-9-]+, senast använd [0-9-]+/);
});

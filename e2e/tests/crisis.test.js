// Crisis mode: a continuity manager previews the pandemic mode and proposes it, a second one
// approves after seeing the same preview, the portal shows the banner and the public page the
// measures; then the mode is ended by the same four-eyes rule and everything is back to normal.
// axe on every page.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startDemo, launch, login, axe } = require('./helpers');

let demo;
let browser;

before(async () => {
  demo = await startDemo(['--now', '2026-11-24T10:05:00+01:00']);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (demo) demo.stop();
});

test('propose, preview, approve by a second person, active, end, reverted', async () => {
  // Before: normal operation, no banner on the public page.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${demo.url}/kris`);
  await visitor.getByRole('heading', { level: 1, name: 'Aktuella åtgärder' }).waitFor();
  assert.match(await visitor.textContent('main'), /normal drift/);
  assert.deepEqual(await axe(visitor), []);

  const first = await (await browser.newContext()).newPage();
  await login(first, demo.url, 'beredskap');
  await first.goto(`${demo.url}/beredskap/lagen`);
  await first.getByRole('heading', { level: 1, name: 'Krislägen' }).waitFor();
  assert.deepEqual(await axe(first), []);
  await first.getByRole('link', { name: 'Pandemi 2020' }).click();
  await first.getByRole('heading', { level: 1, name: 'Pandemi 2020' }).waitFor();
  assert.deepEqual(await axe(first), []);
  await first.getByRole('button', { name: 'Förhandsgranska' }).click();
  await first.getByRole('heading', { level: 1, name: /Förhandsgranskning/ }).waitFor();
  const preview = await first.textContent('main');
  assert.match(preview, /Bokade besök över det nya taket/);
  assert.match(preview, /kunder? får besked|En kund får besked/);
  assert.deepEqual(await axe(first), []);
  await first.getByLabel('Skäl').fill('Folkhälsomyndighetens råd om att begränsa kontakter');
  await first.getByRole('button', { name: 'Föreslå', exact: true }).click();
  await first.waitForURL(/\/beredskap\/aktiveringar\/\d+/);
  const activation = first.url().split('?')[0];
  await first.getByText('Väntar på godkännande').first().waitFor();
  // The proposer cannot approve: there is no button for them.
  assert.equal(await first.getByRole('button', { name: 'Godkänn', exact: true }).count(), 0);
  assert.deepEqual(await axe(first), []);

  const second = await (await browser.newContext()).newPage();
  await login(second, demo.url, 'beredskap2');
  await second.goto(activation);
  await second.getByRole('heading', { level: 2, name: 'Förhandsgranskning' }).waitFor();
  assert.deepEqual(await axe(second), []);
  await second.getByRole('button', { name: 'Godkänn', exact: true }).click();
  await second.waitForURL(/klart=approved/);
  await second.locator('#status[data-status="active"]').waitFor();
  assert.deepEqual(await axe(second), []);

  // The public page lists the measures, and the portal shows the banner that links to it.
  await visitor.goto(`${demo.url}/kris`);
  const measures = await visitor.textContent('main');
  assert.doesNotMatch(measures, /normal drift/);
  assert.match(measures, /Kundcenter/);
  assert.deepEqual(await axe(visitor), []);
  const customer = await (await browser.newContext()).newPage();
  await login(customer, demo.url, 'kund');
  await customer.getByRole('link', { name: /Läs mer/ }).click();
  await customer.waitForURL(/\/kris$/);
  assert.deepEqual(await axe(customer), []);

  // End it: proposed by the first, approved by the second.
  await first.goto(activation);
  await first.getByLabel('Skäl').fill('Restriktionerna är hävda');
  await first.getByRole('button', { name: 'Föreslå att läget avslutas' }).click();
  await first.getByRole('heading', { level: 2, name: 'Förhandsgranskning av återgången' }).waitFor();
  assert.equal(await first.getByRole('button', { name: 'Godkänn att läget avslutas' }).count(), 0);
  assert.deepEqual(await axe(first), []);
  await second.goto(activation);
  await second.getByRole('button', { name: 'Godkänn att läget avslutas' }).click();
  await second.locator('#status[data-status="ended"]').waitFor();
  assert.deepEqual(await axe(second), []);
  await visitor.goto(`${demo.url}/kris`);
  assert.match(await visitor.textContent('main'), /normal drift/);

  // The crisis log has every step, printable and as CSV.
  await first.goto(`${demo.url}/beredskap/logg`);
  const log = await first.textContent('main');
  for (const kind of ['Föreslagen aktivering', 'Godkänd aktivering', 'Läget gäller', 'Föreslaget slut', 'Godkänt slut', 'Läget avslutat']) {
    assert.match(log, new RegExp(kind));
  }
  assert.deepEqual(await axe(first), []);
});

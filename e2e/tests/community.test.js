// Community support: the continuity manager donates from stock (never below the reserve),
// approves an event application and reads the broadband page and the ledger; an organiser
// applies on the public form without script; a private customer is told why free upgrades are
// not for them. Every page passes axe.
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

test('the continuity manager donates, decides an event and reads the ledger', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'beredskap');
  await page.getByRole('link', { name: 'Samhällsstöd', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Lager och gåvor' }).waitFor();
  assert.match(await page.textContent('main'), /Handsprit/);
  assert.deepEqual(await axe(page), []);

  await page.locator('#quantity').fill('301');
  await page.getByLabel('Mottagare', { exact: true }).fill('Karlskoga kommun, hemtjänsten');
  await page.getByLabel('Slags mottagare').selectOption('public_body');
  await page.getByLabel('Skäl för beslutet').fill('Hemtjänsten saknar handsprit');
  await page.getByRole('button', { name: 'Ge', exact: true }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.textContent('[role=alert]'), /Högst 300 kan ges/);
  assert.deepEqual(await axe(page), []);
  await page.locator('#quantity').fill('100');
  await page.getByLabel('Mottagare', { exact: true }).fill('Karlskoga kommun, hemtjänsten');
  await page.getByLabel('Slags mottagare').selectOption('public_body');
  await page.getByLabel('Skäl för beslutet').fill('Hemtjänsten saknar handsprit');
  await page.getByRole('button', { name: 'Ge', exact: true }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), /registrerad i liggaren/);

  await page.getByRole('link', { name: 'Evenemang', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Evenemang' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel('Stöd (kr)').first().fill('2000');
  await page.getByRole('button', { name: 'Bevilja' }).first().click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), /beviljad/);

  await page.getByRole('link', { name: 'Bredband', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Bredband' }).waitFor();
  assert.match(await page.textContent('main'), /erbjuds ingen gratis/);
  assert.deepEqual(await axe(page), []);

  await page.getByRole('link', { name: 'Liggaren', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Liggaren' }).waitFor();
  const ledger = await page.textContent('main');
  assert.match(ledger, /hemtjänsten/);
  assert.match(ledger, /Stöd till evenemang/);
  assert.deepEqual(await axe(page), []);
});

test('an organiser applies for event support without script', async () => {
  // The form works with script turned off (axe needs script, so it reads the same pages in a
  // second context).
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  const checked = await (await browser.newContext()).newPage();
  await page.goto(`${demo.url}/evenemang/ansok`);
  await page.getByRole('heading', { level: 1, name: 'Ansök om stöd till ett evenemang' }).waitFor();
  await checked.goto(`${demo.url}/evenemang/ansok`);
  assert.deepEqual(await axe(checked), []);
  const day = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10);
  const fill = async (p) => {
    await p.getByLabel('Arrangör').fill('Karlskoga Folkdansgille');
    await p.getByLabel('Organisationsnummer').fill('802003-1236');
    await p.getByLabel('E-post').fill('gille@example.se');
    await p.getByLabel('Datum').fill(day);
    await p.getByLabel('Plats').fill('Folkets park');
    await p.getByLabel('Väntat antal deltagare').fill('40');
  };
  await fill(checked);
  await checked.getByRole('button', { name: 'Skicka ansökan' }).click();
  await checked.getByRole('alert').waitFor();
  assert.match(await checked.textContent('[role=alert]'), /minst en sorts stöd/);
  assert.deepEqual(await axe(checked), []);
  await fill(page);
  await page.getByLabel('Utrustning').check();
  await page.getByRole('button', { name: 'Skicka ansökan' }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), /Vi har tagit emot er ansökan/);
});

test('a private customer is told free upgrades are for businesses', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'kund');
  await page.getByRole('link', { name: 'Bredband', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Bredband' }).waitFor();
  assert.match(await page.textContent('main'), /bara företag|inget bredbandsabonnemang/);
  assert.deepEqual(await axe(page), []);
});

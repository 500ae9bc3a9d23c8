// Suppliers: finance opens the register from the navigation, a supplier's page, the form for a
// new supplier (a wrong bankgiro check digit is named at its field, then saved), and the inbox
// of stopped e-invoices. Every page passes axe.
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

test('finance keeps the supplier register', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'ekonomi');
  await page.getByRole('link', { name: 'Leverantörer', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Leverantörer' }).waitFor();
  assert.match(await page.textContent('main'), /varav \d+ lokala/);
  assert.deepEqual(await axe(page), []);

  await page.locator('main table a').first().click();
  await page.getByRole('heading', { level: 2, name: 'Fakturor' }).waitFor();
  assert.match(await page.textContent('main'), /Bankgiro/);
  assert.deepEqual(await axe(page), []);

  await page.goto(`${demo.url}/leverantorer/ny`);
  await page.getByRole('heading', { level: 1, name: 'Ny leverantör' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel('Organisationsnummer').fill('556036-0793');
  await page.getByLabel('Namn', { exact: true }).first().fill('Laxå Grävtjänst AB');
  await page.getByLabel('Bankgiro').fill('5050-1056');
  await page.getByLabel('Kommun').fill('Laxå');
  await page.getByLabel('Schakt och mark').check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.textContent('[role=alert]'), /bankgironummer/);
  assert.deepEqual(await axe(page), []);
  await page.getByLabel('Bankgiro').fill('5050-1055');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.getByRole('heading', { level: 1, name: 'Laxå Grävtjänst AB' }).waitFor();
  assert.match(await page.textContent('main'), /lokal/);

  await page.goto(`${demo.url}/leverantorer/inkorg`);
  await page.getByRole('heading', { level: 1, name: /^Inkorg/ }).waitFor();
  assert.deepEqual(await axe(page), []);
});

test('finance attests, approves the week\'s payment proposal and reads its file', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'ekonomi');
  await page.goto(`${demo.url}/leverantorer`);
  await page.getByRole('link', { name: 'Attest och betalning' }).click();
  await page.getByRole('heading', { level: 1, name: 'Attest och betalning' }).waitFor();
  assert.match(await page.textContent('main'), /Bestriden/);
  assert.deepEqual(await axe(page), []);
  // The demo's proposal was made by someone else: finance approves it.
  await page.getByRole('button', { name: 'Godkänn förslaget' }).first().click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), /Förslaget är godkänt/);
  assert.deepEqual(await axe(page), []);
  // A dispute without a reason is named at that invoice's field.
  await page.getByRole('button', { name: 'Bestrid' }).first().click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.textContent('[role=alert]'), /skäl/i);
  assert.deepEqual(await axe(page), []);
});

test('a planner reads local work per trade and brings work forward', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'planerare');
  await page.goto(`${demo.url}/leverantorer`);
  await page.getByRole('link', { name: 'Projekt och arbetsordrar' }).click();
  await page.getByRole('heading', { level: 1, name: 'Projekt och arbetsordrar' }).waitFor();
  assert.match(await page.textContent('main'), /Lokala underentreprenörer per bransch/);
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: 'Tidigarelägg' }).first().click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), /tidigarelagt/);
  assert.deepEqual(await axe(page), []);
});

test('finance reads the supplier reports and asks what shorter terms would cost', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'ekonomi');
  await page.goto(`${demo.url}/leverantorer`);
  await page.getByRole('link', { name: 'Rapporter', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Rapporter om leverantörer' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel('Betalningstid i dagar').fill('10');
  await page.getByRole('button', { name: 'Visa' }).click();
  await page.getByRole('columnheader', { name: 'Kostnad hittills' }).waitFor();
  assert.deepEqual(await axe(page), []);
});

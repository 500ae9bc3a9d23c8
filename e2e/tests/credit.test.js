// Credit: a customer asks for more time in the portal beyond what the policy grants by itself,
// a credit officer decides it, and the customer sees the decision. Every page passes axe.
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

function addDays(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

test('a customer asks for an extension and a credit officer decides it', async () => {
  const customer = await (await browser.newContext()).newPage();
  await login(customer, demo.url, 'kund');
  await customer.getByRole('link', { name: 'Anstånd', exact: true }).click();
  await customer.getByRole('heading', { level: 1, name: 'Anstånd och delbetalning' }).waitFor();
  assert.deepEqual(await axe(customer), []);
  const section = customer.locator('section.card').filter({ has: customer.getByRole('button', { name: /^Skicka ansökan/ }) }).first();
  const text = await section.textContent();
  const due = text.match(/Förfallodag (\d{4}-\d{2}-\d{2})/)[1];
  // 45 days is more than the normal policy grants by itself (30): a credit officer decides.
  await section.getByLabel('Ny förfallodag').fill(addDays(due, 45));
  await section.getByRole('button', { name: /^Skicka ansökan/ }).click();
  await customer.getByRole('heading', { level: 2, name: 'Skickat till en handläggare' }).waitFor();
  assert.match(await customer.textContent('main'), /Högst 30 dagar|30 dagar/);
  assert.deepEqual(await axe(customer), []);

  const officer = await (await browser.newContext()).newPage();
  await login(officer, demo.url, 'kredit');
  await officer.getByRole('link', { name: 'Kredit', exact: true }).first().click();
  await officer.getByRole('heading', { level: 1, name: 'Ansökningar om anstånd att bedöma' }).waitFor();
  assert.deepEqual(await axe(officer), []);
  await officer.getByRole('link', { name: 'Karin Lindqvist' }).first().click();
  assert.deepEqual(await axe(officer), []);
  await officer.getByLabel('Motivering (syns i historiken)').fill('Tillfälligt inkomstbortfall, god betalningshistorik');
  await officer.getByRole('button', { name: 'Bevilja' }).click();
  await officer.getByRole('heading', { level: 1, name: 'Ansökningar om anstånd att bedöma' }).waitFor();

  await customer.goto(`${demo.url}/mina-sidor/anstand`);
  const mine = customer.getByRole('row', { name: /Beviljat: Tillfälligt inkomstbortfall/ });
  await mine.waitFor();
  assert.deepEqual(await axe(customer), []);
});

test('finance sees the payments page and the board report', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'ekonomi');
  await page.getByRole('link', { name: 'Ekonomi', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Inbetalningar och räntor' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: 'Kör nu' }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('main'), /påminnelser/);
  assert.deepEqual(await axe(page), []);
});

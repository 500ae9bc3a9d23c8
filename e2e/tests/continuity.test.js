// Continuity: the continuity manager finds tomorrow's red night in the grid control room on the
// coverage board, opens its cover, asks the best candidate, looks at the day's proposal and the
// situation report; a technician reports their own absence from the phone-sized page. Every page
// passes axe.
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

test('the continuity manager finds cover for the red night', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'beredskap');
  await page.getByRole('link', { name: 'Bemanning', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Bemanning' }).waitFor();
  assert.match(await page.textContent('main'), /Röda pass: 1/);
  assert.deepEqual(await axe(page), []);

  await page.locator('td.cov-red a').first().click();
  await page.getByRole('heading', { level: 1, name: 'Täckning: Driftcentral el, natt' }).waitFor();
  assert.match(await page.textContent('main'), /Frånvarande/);
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: /^Fråga / }).first().click();
  await page.getByRole('status').filter({ hasText: 'Frågan är skickad.' }).waitFor();
  assert.deepEqual(await axe(page), []);

  await page.goto(`${demo.url}/beredskap/bemanning/dag?datum=2026-11-25`);
  await page.getByRole('heading', { level: 1, name: /^Förslag för/ }).waitFor();
  assert.deepEqual(await axe(page), []);

  await page.getByRole('link', { name: 'Lägesbild', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: /^Lägesbild 2026-11-24/ }).waitFor();
  assert.deepEqual(await axe(page), []);
});

test('a technician reports their own absence from a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await login(page, demo.url, 'tekniker');
  await page.getByRole('link', { name: 'Anmäl frånvaro', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Anmäl frånvaro' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel('Vård av sjukt barn (VAB)').check();
  await page.getByLabel('Första dagen borta').fill('2026-11-24');
  await page.getByLabel('Väntas tillbaka').fill('2026-11-26');
  await page.getByRole('button', { name: 'Anmäl frånvaro' }).click();
  await page.getByRole('status').filter({ hasText: 'Frånvaron är anmäld.' }).waitFor();
  assert.deepEqual(await axe(page), []);
});

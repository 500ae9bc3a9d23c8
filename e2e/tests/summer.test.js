// Sponsorship and summer jobs: the continuity manager reads a club's agreement, draws the demo's
// summer-job season and sends the letters; anyone reads the published draw; the public summer-job
// page works without script. Every page passes axe.
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

test('the continuity manager reads the agreements, draws the season and sends the letters', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'beredskap');
  await page.goto(`${demo.url}/samhalle/sponsring`);
  await page.getByRole('heading', { level: 1, name: 'Sponsring' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByRole('link', { name: 'Karlskoga Hockeyklubb' }).click();
  await page.getByRole('heading', { level: 1, name: 'Karlskoga Hockeyklubb' }).waitFor();
  assert.match(await page.textContent('main'), /Skickad till betalning/);
  assert.deepEqual(await axe(page), []);

  await page.getByRole('link', { name: 'Sommarjobb', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sommarjobb' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: 'Lotta', exact: true }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), /Lottningen är gjord/);
  await page.getByRole('button', { name: 'Skicka brev till alla sökande' }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), /brev är skickade/);
  assert.deepEqual(await axe(page), []);

  await page.getByRole('link', { name: 'det publicerade resultatet' }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.match(await page.textContent('main'), /SplitMix64/);
  assert.deepEqual(await axe(page), []);
});

test('a young person applies on the public summer-job page without script', async () => {
  const year = new Date().getFullYear() + 2;
  const staff = await (await browser.newContext()).newPage();
  await login(staff, demo.url, 'beredskap');
  await staff.goto(`${demo.url}/samhalle/sommarjobb`);
  await staff.locator('#new-year').fill(String(year));
  await staff.locator('#apply_until').fill(`${year}-03-31`);
  await staff.locator('#first_day').fill(`${year}-06-20`);
  await staff.getByRole('button', { name: 'Öppna ansökan' }).click();
  await staff.getByRole('status').waitFor();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${demo.url}/sommarjobb`);
  await page.getByRole('heading', { level: 1, name: 'Sommarjobb' }).waitFor();
  await page.getByLabel('Namn', { exact: true }).fill('Alva Ung');
  await page.getByLabel('Födelsedatum').fill(`${year - 16}-02-01`);
  await page.getByLabel('E-post', { exact: true }).fill('alva.ung@example.se');
  await page.getByLabel('Vårdnadshavarens namn').fill('Eva Ung');
  await page.getByLabel('Vårdnadshavarens e-post').fill('eva.ung@example.se');
  await page.getByRole('button', { name: 'Skicka ansökan' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.textContent('[role=alert]'), /medgivande/);
  await page.getByLabel('Jag är vårdnadshavare och ger mitt medgivande till ansökan').check();
  await page.getByRole('button', { name: 'Skicka ansökan' }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.textContent('[role=status]'), new RegExp(`nummer ${year}-`));
  await context.close();

  const withScript = await (await browser.newContext()).newPage();
  await withScript.goto(`${demo.url}/sommarjobb`);
  assert.deepEqual(await axe(withScript), []);
});

// Foundation: the customer and the agent log in, reach their home pages, and every page they see
// has 0 axe violations at WCAG 2.1 AA. Pages are used as a person would: labels, buttons, links.
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

test('the login page is accessible', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${demo.url}/logga-in`);
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  assert.deepEqual(await axe(page), []);
});

test('kund logs in and sees Mina sidor', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, demo.url, 'kund');
  assert.match(page.url(), /\/mina-sidor$/);
  await page.getByRole('heading', { level: 1, name: /Välkommen, Karin Lindqvist/ }).waitFor();
  assert.ok(await page.getByRole('heading', { name: 'Fakturor' }).isVisible());
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-beredskap');
  assert.ok(session && session.httpOnly && session.secure && session.sameSite === 'Lax', JSON.stringify(cookies));
  assert.deepEqual(await axe(page), []);
  // A customer never reaches staff pages.
  const resp = await page.goto(`${demo.url}/kunder/2`);
  assert.equal(resp.status(), 403);
  assert.deepEqual(await axe(page), []);
});

test('kundtjanst logs in, searches and opens a customer', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'kundtjanst');
  assert.match(page.url(), /\/personal$/);
  assert.deepEqual(await axe(page), []);
  await page.getByLabel('Sök kund').fill('Lindqvist');
  await page.getByRole('button', { name: 'Sök' }).click();
  await page.getByRole('link', { name: 'Karin Lindqvist' }).click();
  await page.getByRole('heading', { level: 1, name: 'Karin Lindqvist' }).waitFor();
  assert.deepEqual(await axe(page), []);
  // The full identity number only on request, and then it is shown.
  assert.ok((await page.textContent('main')).includes('-****'));
  await page.getByRole('button', { name: 'Visa fullständigt nummer' }).click();
  assert.ok(!(await page.textContent('main')).includes('-****'));
  // English works too.
  await page.getByRole('button', { name: 'In English' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.deepEqual(await axe(page), []);
});

test('a wrong password shows an accessible error', async () => {
  const page = await (await browser.newContext()).newPage();
  await login(page, demo.url, 'kundtjanst', 'fel');
  await page.getByRole('alert').waitFor();
  assert.deepEqual(await axe(page), []);
});

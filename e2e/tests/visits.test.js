// Customer centre: a customer books a visit in the portal, the confirmation with its .ics is in the
// outbox, the customer cancels through the link in it; an agent checks a visitor in at the desk.
// The town runs from a Tuesday morning (demo --now), so the centre is open whenever CI runs.
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

test('a customer books in the portal, gets an .ics in the confirmation and cancels through the link', async () => {
  const customer = await (await browser.newContext()).newPage();
  await login(customer, demo.url, 'kund');
  await customer.getByRole('link', { name: 'Besök', exact: true }).click();
  await customer.getByRole('heading', { level: 1, name: 'Mina besök' }).waitFor();
  assert.deepEqual(await axe(customer), []);
  await customer.getByRole('link', { name: 'Boka ett nytt besök' }).click();
  assert.deepEqual(await axe(customer), []);
  await customer.getByLabel('Ärende').selectOption({ label: 'Bredband (30 min)' });
  await customer.getByLabel('Dag').selectOption({ index: 1 });
  const day = await customer.getByLabel('Dag').inputValue();
  await customer.getByRole('button', { name: 'Visa lediga tider' }).click();
  const slot = customer.getByRole('radio').first();
  const time = (await slot.locator('xpath=..').textContent()).trim().slice(0, 5);
  assert.deepEqual(await axe(customer), []);
  await slot.check();
  await customer.getByRole('button', { name: 'Boka', exact: true }).click();
  await customer.waitForURL(/\/mina-sidor\/besok$/);
  const row = customer.getByRole('row', { name: new RegExp(`${day} ${time}`) });
  await row.getByText('Bokad').waitFor();
  assert.deepEqual(await axe(customer), []);

  // The agent sees the confirmation in the outbox (demo mode sends nothing), with the calendar file.
  const agent = await (await browser.newContext()).newPage();
  await login(agent, demo.url, 'kundtjanst');
  await agent.goto(`${demo.url}/utkorg`);
  await agent.getByRole('link', { name: `Bokat: kundcenter ${day} ${time}` }).click();
  const body = await agent.textContent('main');
  assert.match(body, /besok\.ics/);
  assert.match(body, /BEGIN:VCALENDAR/);
  assert.match(body, /DTSTART:\d{8}T\d{6}Z/);
  assert.deepEqual(await axe(agent), []);
  const link = body.match(/http:\/\/localhost:\d+\/besok\/[A-Za-z0-9_-]+/)[0];

  // The customer cancels through the link, without logging in.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(link);
  await visitor.getByRole('heading', { level: 1, name: 'Ditt besök' }).waitFor();
  assert.deepEqual(await axe(visitor), []);
  await visitor.getByRole('button', { name: 'Avboka' }).click();
  await visitor.getByText('Besöket är avbokat och tiden är ledig för andra.').waitFor();
  assert.match(await visitor.textContent('main'), /Avbokad/);
  assert.deepEqual(await axe(visitor), []);
});

test('an agent checks a visitor in at the desk', async () => {
  const agent = await (await browser.newContext()).newPage();
  await login(agent, demo.url, 'kundtjanst');
  await agent.getByRole('link', { name: 'Kundcenter', exact: true }).first().click();
  await agent.getByRole('heading', { level: 1, name: /^Kundcenter:/ }).waitFor();
  assert.deepEqual(await axe(agent), []);
  const button = agent.getByRole('button', { name: /^Checka in / }).first();
  const name = (await button.textContent()).replace('Checka in ', '').trim();
  await button.click();
  await agent.getByText(`${name} är incheckad.`).waitFor();
  assert.deepEqual(await axe(agent), []);
});

test('the public booking page works without login and is accessible', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${demo.url}/besok`);
  await page.getByRole('heading', { level: 1, name: 'Boka besök hos kundcenter' }).waitFor();
  await page.getByLabel('Dag').selectOption({ index: 2 });
  await page.getByRole('button', { name: 'Visa lediga tider' }).click();
  assert.deepEqual(await axe(page), []);
  await page.getByRole('radio').first().check();
  await page.getByLabel('Namn').fill('Pia Publik');
  await page.getByLabel('Telefon').fill('070-555 12 34');
  await page.getByRole('button', { name: 'Boka', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Titta i din telefon eller e-post' }).waitFor();
  assert.deepEqual(await axe(page), []);
});

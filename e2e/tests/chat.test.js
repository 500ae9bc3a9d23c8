// Chat: a customer and an agent in two browser contexts. The agent goes online, the customer
// starts a chat and sees their place in the queue, messages go both ways live over the
// WebSocket, the agent closes the chat into a case, and the customer finds the case with the
// transcript in the portal. Every chat page passes axe.
// The town runs from a Tuesday morning (demo --now), inside the chat's hours (weekdays 08–17).
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

test('customer and agent chat live, and the chat becomes a case the customer can read', async () => {
  const agent = await (await browser.newContext()).newPage();
  await login(agent, demo.url, 'kundtjanst');
  await agent.goto(`${demo.url}/chatt`);
  await agent.getByRole('heading', { level: 1, name: 'Chatt' }).waitFor();
  await agent.getByRole('button', { name: 'Gå online' }).click();
  await agent.getByText('Du är online och kan ta chattar.').waitFor();
  assert.deepEqual(await axe(agent), []);

  const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await login(customer, demo.url, 'kund');
  await customer.getByRole('link', { name: 'Chatt', exact: true }).first().click();
  await customer.getByRole('heading', { level: 1, name: 'Chatta med kundservice' }).waitFor();
  assert.deepEqual(await axe(customer), []);
  await customer.getByLabel('Vad gäller det?').selectOption({ label: 'Annat' });
  await customer.getByLabel('Ditt meddelande').fill('Hej! Jag har en fråga om min mätare.');
  await customer.getByRole('button', { name: 'Starta chatten' }).click();
  await customer.getByText(/Du är nummer 1 i kön\. Beräknad väntetid/).waitFor();
  assert.deepEqual(await axe(customer), []);

  // The agent's console shows the queue live, without a reload.
  await agent.getByText('1 i kön').waitFor();
  await agent.getByRole('button', { name: 'Ta nästa chatt' }).click();
  await agent.getByRole('heading', { level: 1, name: /^Chatt med / }).waitFor();
  await agent.getByText('Hej! Jag har en fråga om min mätare.').waitFor();
  assert.deepEqual(await axe(agent), []);

  // The customer is told who answers, live.
  await customer.getByText(/^Du chattar med /).waitFor();

  // Agent → customer.
  await agent.getByLabel('Meddelande').fill('Hej, jag heter Anna. Vad gäller det?');
  await agent.getByRole('button', { name: 'Skicka', exact: true }).click();
  await customer.getByText('Hej, jag heter Anna. Vad gäller det?').waitFor();
  // Customer → agent.
  await customer.getByLabel('Meddelande').fill('Mätaren visar fel, tror jag.');
  await customer.getByRole('button', { name: 'Skicka', exact: true }).click();
  await agent.getByText('Mätaren visar fel, tror jag.').waitFor();
  assert.deepEqual(await axe(customer), []);
  assert.deepEqual(await axe(agent), []);

  // The agent closes the chat into a case.
  await agent.getByLabel('Kategori').selectOption({ label: 'Mätarbesök' });
  await agent.getByRole('button', { name: 'Avsluta och spara som ärende' }).click();
  const done = await agent.getByText(/Chatten är avslutad och sparad som ärende \d+\./).textContent();
  const caseId = done.match(/ärende (\d+)/)[1];
  assert.deepEqual(await axe(agent), []);

  // The customer's page reloads by itself and links to the case.
  await customer.getByRole('link', { name: `Se ärende ${caseId}` }).waitFor();
  assert.deepEqual(await axe(customer), []);
  await customer.goto(`${demo.url}/mina-sidor/arenden`);
  // The case is named in the customer's own words: their first message.
  await customer.getByRole('link', { name: /Jag har en fråga om min mätare/ }).first().waitFor();
  await customer.goto(`${demo.url}/mina-sidor/arenden/${caseId}`);
  await customer.getByText(/Mätaren visar fel, tror jag\./).first().waitFor();
  assert.match(await customer.textContent('main'), /Hej, jag heter Anna\. Vad gäller det\?/);
  assert.deepEqual(await axe(customer), []);
});

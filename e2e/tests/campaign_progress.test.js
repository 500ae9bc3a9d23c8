// The README's demo: the meter-exchange campaign has been under way for some weeks. A newcomer who
// signs in as the planner finds meters exchanged, visits failed and planned again, bookings and
// the weeks ahead planned; the technician finds today's list of stops.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startDemo, launch, login, axe } = require('./helpers');

let demo;
let browser;

before(async () => {
  demo = await startDemo(['--now', '2026-11-24T10:05:00+01:00'], { campaign: true });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (demo) demo.stop();
});

// The column sums of the table of jobs per tier: done, planned, deferred, paused, failed, unplanned.
async function tierSums(page) {
  const rows = await page.locator('section:has(#tiers-h) table tbody tr').all();
  const sums = [0, 0, 0, 0, 0, 0];
  for (const row of rows) {
    const cells = await row.locator('td').allTextContents();
    cells.forEach((c, i) => { sums[i] += Number(c.trim()); });
  }
  return sums;
}

test('the planner and the technician find the campaign under way', async () => {
  const planner = await (await browser.newContext()).newPage();
  await login(planner, demo.url, 'planerare');
  await planner.goto(`${demo.url}/kampanj/framsteg`);
  assert.deepEqual(await axe(planner), []);
  const [done, planned, , , failed] = await tierSums(planner);
  assert.ok(done > 0, `meters exchanged: ${done}`);
  assert.ok(failed > 0, `visits failed: ${failed}`);
  assert.ok(planned > 0, `visits planned ahead: ${planned}`);
  assert.match(await planner.textContent('main'), /Prognos: klart \d{4}-\d{2}-\d{2}/);

  // The planner's page shows the plan, not the form that opens a campaign.
  await planner.goto(`${demo.url}/kampanj`);
  assert.equal(await planner.getByRole('button', { name: 'Starta kampanjen' }).count(), 0);
  assert.equal(await planner.getByRole('button', { name: 'Planera nu' }).count(), 1);

  // The demo technician's crew has stops today, and earlier days show work done.
  const tech = await (await browser.newContext()).newPage();
  await login(tech, demo.url, 'tekniker');
  await tech.goto(`${demo.url}/tekniker`);
  assert.deepEqual(await axe(tech), []);
  assert.ok(await tech.locator('li[id^="stop-"]').count() > 0, 'stops on today\'s list');
  await tech.goto(`${demo.url}/tekniker?dag=2026-11-23`);
  assert.match(await tech.textContent('main'), /Klara|Misslyckade/);
});

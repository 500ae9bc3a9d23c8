// The maps over a tile source, on the small demo town: a tile server started here (PNG tiles this
// test makes) stands in for OpenStreetMap. The planner plans, and the day's map shows each crew's
// stops, as many as its list, numbered as the list; clicking a stop opens its line's words; the
// remaining jobs show faintly on request. The same page without script shows the server-drawn
// SVG. The technician's map highlights the next stop and each stop has a geo: link; the crisis
// preview maps the jobs a pandemic policy would move. axe finds nothing anywhere. The planner's
// page's size and first paint are printed (docs/benchmarks.md).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const zlib = require('node:zlib');
const { startDemo, launch, login, axe } = require('./helpers');

let demo;
let browser;
let tiles;
let tileRequests = 0;

// A 256×256 PNG of one light colour: signature, IHDR, one IDAT of filtered rows, IEND.
function png(rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(256, 0);
  ihdr.writeUInt32BE(256, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array(256).fill(Buffer.from(rgb)))]);
  const raw = Buffer.concat(Array(256).fill(row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function startTiles() {
  const light = png([0xee, 0xf1, 0xe8]);
  const server = http.createServer((req, res) => {
    if (!/^\/\d+\/\d+\/\d+\.png$/.test(req.url)) { res.writeHead(404); res.end(); return; }
    tileRequests += 1;
    res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
    res.end(light);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

before(async () => {
  tiles = await startTiles();
  process.env.BEREDSKAP_MAP__TILES_URL = `http://127.0.0.1:${tiles.address().port}/{z}/{x}/{y}.png`;
  process.env.BEREDSKAP_MAP__ATTRIBUTION = 'Testkarta';
  demo = await startDemo(['--now', '2026-11-24T08:05:00+01:00']);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (demo) demo.stop();
  if (tiles) tiles.close();
});

// Opens and plans the campaign from the planner's page; returns the first planned day.
async function plan(planner) {
  await planner.goto(`${demo.url}/kampanj`);
  await planner.getByLabel('Namn').fill('Mätarbyte 2026');
  await planner.getByRole('button', { name: 'Starta kampanjen' }).click();
  await planner.getByText('Kampanjen är startad').waitFor();
  await planner.getByRole('button', { name: 'Planera nu' }).click();
  await planner.getByRole('heading', { level: 1, name: 'Mätarbytet' }).waitFor({ timeout: 90000 });
  return planner.locator('#dag option').first().textContent();
}

test('the day on a map: routes per crew, numbered stops, details on click, the SVG without script', async () => {
  const context = await browser.newContext();
  const planner = await context.newPage();
  const errors = [];
  planner.on('pageerror', (e) => errors.push(String(e)));
  planner.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await login(planner, demo.url, 'planerare');
  const day = await plan(planner);

  // The page's weight over the wire (headers and bodies, the browser's cache off, tiles not
  // counted) and its first paint.
  const fresh = await (await browser.newContext()).newPage();
  await fresh.route('**', (r) => r.continue()); // routing turns the HTTP cache off
  await login(fresh, demo.url, 'planerare');
  let bytes = 0;
  let requests = 0;
  fresh.on('requestfinished', async (r) => {
    if (!r.url().startsWith(demo.url)) return;
    const sizes = await r.sizes();
    bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    requests += 1;
  });
  await fresh.goto(`${demo.url}/kampanj?dag=${day}`);
  await fresh.locator('#daymap[data-ready="true"]').waitFor();
  const paint = await fresh.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
  const stopsOnDay = await fresh.locator('ol.route > li').count();
  console.log(`# planner's page with the map, ${stopsOnDay} stops: ${(bytes / 1024).toFixed(0)} KB in ${requests} responses, first paint ${Math.round(paint)} ms`);

  await planner.goto(`${demo.url}/kampanj?dag=${day}`);
  await planner.locator('#daymap[data-ready="true"]').waitFor({ timeout: 10000 }).catch((e) => {
    throw new Error(`${e.message}\n${errors.join('\n')}`);
  });
  assert.ok(bytes <= 300 * 1024, `${bytes} bytes`);
  assert.ok(tileRequests > 0, 'tiles were asked for');
  assert.ok(await planner.locator('.leaflet-tile-loaded').count() > 0, 'tiles drawn');
  assert.equal(await planner.locator('#daymap-svg').isHidden(), true, 'the map replaces the SVG');
  assert.match(await planner.locator('.leaflet-control-attribution').textContent(), /Testkarta/);

  // Each crew's stops on the map, as many as in its list and numbered 1, 2, … like it.
  const lists = await planner.locator('ol.route').evaluateAll((ols) => ols.map((ol) => ({
    crew: ol.dataset.label, stops: ol.querySelectorAll(':scope > li').length,
  })));
  assert.ok(lists.length >= 2, JSON.stringify(lists));
  for (const { crew, stops } of lists) {
    const numbers = await planner.locator('.map-stop').evaluateAll(
      (els, c) => els.filter((e) => e.dataset.crew === c).map((e) => Number(e.dataset.n)), crew);
    assert.ok(stops > 0);
    assert.deepEqual(numbers, Array.from({ length: stops }, (_, i) => i + 1), crew);
  }
  // Each crew's depot, and one route line per crew.
  assert.equal(await planner.locator('.map-depot').count(), lists.length);

  // Opening the third stop of the first crew shows its address, tier and status.
  const first = lists[0].crew;
  const line = (await planner.locator('ol.route').first().locator(':scope > li').nth(2)
    .locator('.stop-info').textContent()).replace(/\s+/g, ' ').trim();
  // By keyboard (a marker is a button), which also reaches a stop another one overlaps.
  await planner.locator(`.map-stop[data-crew="${first}"][data-n="3"]`).focus();
  await planner.keyboard.press('Enter');
  const popup = (await planner.locator('.leaflet-popup-content').textContent()).replace(/\s+/g, ' ').trim();
  assert.equal(popup, `3. ${line}`);
  assert.match(popup, /Nivå \d/);
  assert.deepEqual(await axe(planner), []);

  // The remaining jobs, faintly, at the toggle.
  const paths = () => planner.locator('.leaflet-overlay-pane path').count();
  const before = await paths();
  await planner.getByLabel('Visa alla återstående jobb svagt').check();
  const after = await paths();
  assert.ok(after > before + 10, `${before} → ${after}`);

  // Without script: the SVG, with every stop linked to its line.
  const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await login(plain, demo.url, 'planerare');
  await plain.goto(`${demo.url}/kampanj?dag=${day}`);
  assert.equal(await plain.locator('#daymap-svg svg').isVisible(), true);
  assert.equal(await plain.locator('#daymap').isHidden(), true);
  const total = lists.reduce((n, l) => n + l.stops, 0);
  assert.equal(await plain.locator('#daymap-svg a[href^="#stop-"]').count(), total);
  // (axe runs as a script, so it checks the page with script above; the SVG is the same markup
  // there, hidden.)

  // The technician's phone: the route, the next stop highlighted, a geo: link per stop.
  const tech = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await login(tech, demo.url, 'tekniker');
  await tech.goto(`${demo.url}/tekniker?dag=${day}`);
  await tech.locator('#daymap[data-ready="true"]').waitFor();
  const stops = await tech.locator('ol.stops > li').count();
  assert.ok(stops > 0);
  assert.equal(await tech.locator('.map-stop').count(), stops);
  assert.equal(await tech.locator('.map-stop.next').count(), 1);
  assert.equal(await tech.locator('ol.stops > li a[href^="geo:"]').count(), stops);
  assert.deepEqual(await axe(tech), []);

  // The crisis preview: the jobs the pandemic policy would take off the plan, on the map.
  const cm = await (await browser.newContext()).newPage();
  await login(cm, demo.url, 'beredskap');
  await cm.goto(`${demo.url}/beredskap/lagen`);
  await cm.getByRole('link', { name: 'Pandemi 2020' }).click();
  await cm.getByRole('button', { name: 'Förhandsgranska' }).click();
  await cm.getByRole('heading', { level: 2, name: 'Karta: mätarbyten som påverkas' }).waitFor();
  await cm.locator('#daymap[data-ready="true"]').waitFor();
  assert.ok(await cm.locator('.leaflet-overlay-pane path').count() > 0);
  assert.deepEqual(await axe(cm), []);
});

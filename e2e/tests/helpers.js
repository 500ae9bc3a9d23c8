// Starts the demo town (small) on a free port and opens Debian's Chromium through playwright-core.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

const BIN = process.env.E2E_BEREDSKAP_BIN || path.resolve(__dirname, '../../target/debug/beredskap');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// `options.listen` picks the address (default: any free port); `options.config` is written to
// beredskap.toml in the demo's working directory. The meter-exchange campaign is left unopened
// (`--no-campaign`: the tests open it themselves) unless `options.campaign` asks for the one the
// README's demo has under way.
async function startDemo(extraArgs = [], options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beredskap-e2e-'));
  if (options.config) fs.writeFileSync(path.join(dir, 'beredskap.toml'), options.config);
  const listen = options.listen || '127.0.0.1:0';
  const campaign = options.campaign ? [] : ['--no-campaign'];
  const child = spawn(BIN, ['demo', '--size', 'small', '--listen', listen, ...campaign, ...extraArgs], {
    cwd: dir,
    env: { ...process.env, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start in 120 s:\n${out}\n${stderr}`)), 120000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/localhost:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://localhost:${m[1]}`); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited with ${code}:\n${out}\n${stderr}`)); });
  });
  return { url, logs: () => stderr, stop: () => { child.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); } };
}

async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

async function login(page, url, username, password = 'demo') {
  await page.goto(`${url}/logga-in`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForLoadState('load');
}

// Runs axe with the WCAG 2.0/2.1 A and AA rules and returns a readable list of violations.
async function axe(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// A free TCP port on loopback (for a server whose address must be known before it starts).
async function freePort() {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = { startDemo, launch, login, axe, freePort };

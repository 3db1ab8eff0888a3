#!/usr/bin/env node
// How long an edit takes to show in the simulator under `make dev` (scripts/dev.js), with no
// manual step, measured in Chromium on the real stack:
//   miniprogram/  a WXML edit (a marker before the customer's name) until the phone shows it;
//   src/          a label the core renders (an add_way label in src/wecom/customer.rs) until the
//                 phone shows it: the watcher's `make build` (wasm-pack, build-core, build-fallback)
//                 and the relaunch; then the edit reverted, until the original shows again.
// Every edited file is restored, also on Ctrl-C. Run from a built tree (`make build sim-bins`):
//   node bench/dev-reload.js
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const SRC_FILE = path.join(ROOT, 'src/wecom/customer.rs');
const SRC_LABEL = '"扫描二维码"';
const SRC_EDITED = '"扫描二维码·已改"';
const WXML_FILE = path.join(ROOT, 'miniprogram/components/customer-card/customer-card.wxml');
const WXML_ANCHOR = '<text class="customer-name">';
const WXML_MARK = '【改】';

const originals = new Map();
function editFile(file, from, to) {
  if (!originals.has(file)) originals.set(file, fs.readFileSync(file, 'utf8'));
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`dev-reload: ${path.relative(ROOT, file)} no longer holds ${from}; update bench/dev-reload.js`);
  fs.writeFileSync(file, text.replace(from, to));
}
function restoreAll() {
  for (const [file, text] of originals) fs.writeFileSync(file, text);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`dev-reload: timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function main() {
  const dev = spawn(process.execPath, [path.join(ROOT, 'scripts/dev.js')], {
    cwd: ROOT, env: Object.assign({}, process.env, { PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let out = '';
  dev.stdout.on('data', (c) => { out += c; });
  dev.stderr.on('data', (c) => { out += c; });
  const stop = () => {
    restoreAll();
    try { process.kill(-dev.pid, 'SIGTERM'); } catch (e) { /* gone */ }
  };
  process.on('SIGINT', () => { stop(); process.exit(130); });
  let browser;
  try {
    await until('make dev to serve', () => /WeCom simulator: (http:\/\/\S+)/.test(out), 60000);
    const url = /WeCom simulator: (http:\/\/\S+)/.exec(out)[1];
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(url);
    const text = () => page.frameLocator('#phone').locator('#pages').innerText().catch(() => '');
    await until('the card', async () => (await text()).includes('扫描二维码'), 30000);

    const rows = [];
    const time = async (label, change, shows, timeout) => {
      const t0 = Date.now();
      change();
      await until(label, async () => shows(await text()), timeout);
      rows.push([label, (Date.now() - t0) / 1000]);
    };
    await time('miniprogram/ WXML edit → shown', () => editFile(WXML_FILE, WXML_ANCHOR, WXML_ANCHOR + WXML_MARK),
      (t) => t.includes(WXML_MARK), 20000);
    await time('miniprogram/ edit reverted → shown', () => restoreAll(), (t) => !t.includes(WXML_MARK) && t.includes('陈晓明'), 20000);
    originals.clear();
    await time('src/ label edit → make build → shown', () => editFile(SRC_FILE, SRC_LABEL, SRC_EDITED),
      (t) => t.includes('扫描二维码·已改'), 900000);
    await time('src/ edit reverted → make build → shown', () => restoreAll(), (t) => t.includes('扫描二维码') && !t.includes('·已改'), 900000);
    originals.clear();
    const builds = [...out.matchAll(/core rebuilt in ([\d.]+) s/g)].map((m) => Number(m[1]));
    for (const [label, secs] of rows) console.log(`${label.padEnd(44)} ${secs.toFixed(1)} s`);
    console.log(`make build inside those (watcher's own timing): ${builds.map((s) => `${s} s`).join(', ')}`);
  } catch (e) {
    console.error(e.message);
    console.error(out.split('\n').slice(-30).join('\n'));
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
    stop();
  }
}

main();

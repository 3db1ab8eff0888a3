/**
 * @jest-environment node
 */
// The dev loop of `make dev` (issue 17): on a copy of the reference mini program, the
// simulator's watcher (sim/server.js `watch`) relaunches the phone after an edit, and a broken
// JS, WXML or JSON file is shown with its file, line and column in the page (above the phone,
// and in the phone frame itself on a fresh load) and in the terminal (the `simLog` lines
// scripts/dev.js prints), until it is fixed. The positions come from sim/source-problems.js:
// esbuild for .js, WeChat's own WXML compiler for .wxml. Real stack, real Chromium.
// Needs `make build` and `make sim-bins`.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { sourceProblems, formatProblem, wcc } = require('../sim/source-problems');

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'];

jest.setTimeout(180000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const ent of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, ent.name);
    const b = path.join(to, ent.name);
    if (ent.isDirectory()) copyDir(a, b);
    else fs.copyFileSync(a, b);
  }
}

/** Writes `text` so that the mtime surely moves (coarse clocks). */
function edit(file, text) {
  fs.writeFileSync(file, text);
  const t = new Date(Date.now() + 2000);
  fs.utimesSync(file, t, t);
}

async function waitFor(what, fn, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(50);
  }
}

describe('sourceProblems: the real file and line of what cannot be built', () => {
  let dir;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-src-'));
    fs.mkdirSync(path.join(dir, 'pages/a'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'app.json'), '{"pages":["pages/a/a"]}\n');
    fs.writeFileSync(path.join(dir, 'pages/a/a.js'), 'Page({\n  data: {},\n});\n');
    fs.writeFileSync(path.join(dir, 'pages/a/a.wxml'), '<view>\n  <text>{{a}}</text>\n</view>\n');
    fs.writeFileSync(path.join(dir, 'pages/a/a.json'), '{}\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a package that parses has none', () => {
    expect(sourceProblems(dir)).toEqual([]);
    expect(sourceProblems(path.join(ROOT, 'miniprogram'))).toEqual([]);
  });

  test('a JS syntax error: its line and column', () => {
    edit(path.join(dir, 'pages/a/a.js'), 'Page({\n  data: {},\n  onLoad() { const x = ; },\n});\n');
    const [p, ...rest] = sourceProblems(dir);
    expect(rest).toEqual([]);
    expect(p.file).toBe(path.join(dir, 'pages/a/a.js'));
    expect([p.line, p.column]).toEqual([3, 24]);
    expect(p.message).toMatch(/Unexpected ";"/);
    expect(formatProblem(p)).toBe(`${p.file}:3:24: ${p.message}`);
  });

  test('an unclosed WXML tag: its line, from WeChat\'s compiler where it runs', () => {
    edit(path.join(dir, 'pages/a/a.wxml'), '<view>\n  <text>{{a}}\n</view>\n');
    const [p] = sourceProblems(dir);
    expect(p.file).toBe(path.join(dir, 'pages/a/a.wxml'));
    if (wcc()) {
      expect(p.line).toBe(3);
      expect(p.message).toMatch(/expect end-tag `text`/);
    } else {
      expect(p.line).toBeGreaterThan(0);
    }
  });

  test('a JSON error: its line and column', () => {
    edit(path.join(dir, 'pages/a/a.json'), '{\n  "usingComponents": {,}\n}\n');
    const [p] = sourceProblems(dir);
    expect(p.file).toBe(path.join(dir, 'pages/a/a.json'));
    expect(p.line).toBe(2);
    expect(p.column).toBeGreaterThan(1);
  });

  test('fixed files drop out; several broken files are each listed', () => {
    edit(path.join(dir, 'pages/a/a.js'), 'Page({');
    edit(path.join(dir, 'pages/a/a.json'), '{');
    expect(sourceProblems(dir).map((p) => path.basename(p.file))).toEqual(['a.js', 'a.json']);
    edit(path.join(dir, 'pages/a/a.js'), 'Page({});\n');
    expect(sourceProblems(dir).map((p) => path.basename(p.file))).toEqual(['a.json']);
  });
});

describe('the simulator watches the package', () => {
  let tmp;
  let pkg;
  let stack;
  let browser;
  let page;
  const simLog = [];

  beforeAll(async () => {
    require('../sim/build').checkBuild();
    require('../sim/stack').checkBinaries();
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; run \`make browser-tools\``);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-devloop-'));
    pkg = path.join(tmp, 'miniprogram');
    copyDir(path.join(ROOT, 'miniprogram'), pkg);
    const { startStack } = require('../sim/stack');
    stack = await startStack({ port: 0, packageDir: pkg, watch: 100, simLog: (line) => simLog.push(line) });
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(stack.url);
    await waitFor('the card', async () => (await page.frameLocator('#phone').locator('#pages').innerText().catch(() => '')).includes('陈晓明'), 30000);
  });

  afterAll(async () => {
    if (browser) await browser.close();
    if (stack) await stack.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const phoneText = () => page.frameLocator('#phone').locator('#pages').innerText().catch(() => '');
  const reloads = () => page.evaluate(() => window.__simReloads || 0);
  const overlay = () => page.evaluate(() => {
    const box = document.getElementById('sim-problems');
    return box ? box.textContent : null;
  });

  test('an edit under miniprogram/ relaunches the phone with it, keeping the page', async () => {
    const file = path.join(pkg, 'components/customer-card/customer-card.wxml');
    const before = await reloads();
    edit(file, fs.readFileSync(file, 'utf8').replace('<text class="customer-name">', '<text class="customer-name">【已热更新】'));
    await waitFor('a relaunch', async () => (await reloads()) > before);
    await waitFor('the edited card', async () => (await phoneText()).includes('【已热更新】陈晓明'));
    expect(await overlay()).toBeNull();
  });

  test('a JS syntax error: file and line in the page, in the phone frame and in the terminal; fixed, it relaunches', async () => {
    const file = path.join(pkg, 'pages/index/index.js');
    const good = fs.readFileSync(file, 'utf8');
    const lines = good.split('\n');
    lines.splice(20, 0, 'const broken = ;');
    simLog.length = 0;
    edit(file, lines.join('\n'));
    const where = `${file}:21:16`;
    const shown = await waitFor('the overlay', async () => {
      const t = await overlay();
      return t && t.includes(where) ? t : null;
    });
    expect(shown).toMatch(/Unexpected ";"/);
    expect(simLog.some((l) => l.includes(`${where}: Unexpected ";"`))).toBe(true);
    // A fresh load of the phone frame shows it too, instead of a blank screen.
    const frame = await browser.newPage();
    await frame.goto(`${stack.url}phone.html`);
    const inFrame = await waitFor('the frame overlay', () => frame.evaluate(() => {
      const box = document.getElementById('sim-problems');
      return box ? box.textContent : null;
    }));
    expect(inFrame).toContain(where);
    await frame.close();

    const before = await reloads();
    edit(file, good);
    await waitFor('the relaunch after the fix', async () => (await reloads()) > before);
    expect(await overlay()).toBeNull();
    await waitFor('the card again', async () => (await phoneText()).includes('陈晓明'));
    expect(simLog).toContain('WeCom simulator: the sources build again');
  });

  test('a WXML error: file and line in the page and in the terminal', async () => {
    const file = path.join(pkg, 'components/edit-form/edit-form.wxml');
    const good = fs.readFileSync(file, 'utf8');
    simLog.length = 0;
    edit(file, good.replace('</view>', '</text>'));
    const shown = await waitFor('the overlay', async () => {
      const t = await overlay();
      return t && t.includes(`${file}:`) ? t : null;
    });
    const m = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+): (.+)`).exec(shown);
    expect(m).not.toBeNull();
    expect(Number(m[1])).toBeGreaterThan(0);
    expect(simLog.some((l) => l.includes(`${file}:${m[1]}:${m[2]}`))).toBe(true);
    const before = await reloads();
    edit(file, good);
    await waitFor('the relaunch after the fix', async () => (await reloads()) > before);
    expect(await overlay()).toBeNull();
  });

  test('a runtime error: the file and line it was thrown at, in the page and in the terminal', async () => {
    const file = path.join(pkg, 'pages/index/index.js');
    const good = fs.readFileSync(file, 'utf8');
    const lines = good.split('\n');
    const at = lines.findIndex((l) => /^\s*onAction\(e\) \{/.test(l));
    expect(at).toBeGreaterThan(0);
    lines.splice(at + 1, 0, "      throw new Error('boom from a tap');");
    const before = await reloads();
    edit(file, lines.join('\n'));
    await waitFor('the relaunch', async () => (await reloads()) > before);
    await waitFor('the card', async () => (await phoneText()).includes('陈晓明'));
    simLog.length = 0;
    await page.frameLocator('#phone').locator('#edit').click();
    const where = `${file}:${at + 2}:`;
    const shown = await waitFor('the runtime error', () => page.evaluate(() => {
      const box = document.getElementById('sim-runtime-error');
      return box ? box.textContent : null;
    }));
    expect(shown).toContain('boom from a tap');
    expect(shown).toContain(where);
    expect(simLog.some((l) => l.includes('boom from a tap'))).toBe(true);
    expect(simLog.some((l) => l.includes(where))).toBe(true);
    const again = await reloads();
    edit(file, good);
    await waitFor('the relaunch after the fix', async () => (await reloads()) > again);
    expect(await page.evaluate(() => !!document.getElementById('sim-runtime-error'))).toBe(false);
  });

  test('while the core is being rebuilt nothing relaunches; once it is, one relaunch', async () => {
    const glue = path.join(pkg, 'core/glue.js');
    const before = await reloads();
    stack.sim.pause();
    edit(glue, fs.readFileSync(glue, 'utf8'));
    await sleep(600);
    expect(await reloads()).toBe(before);
    await stack.sim.resume('core rebuilt');
    await waitFor('one relaunch', async () => (await reloads()) === before + 1);
    await sleep(400);
    expect(await reloads()).toBe(before + 1);
    await waitFor('the card on the new core', async () => (await phoneText()).includes('陈晓明'));
  });
});

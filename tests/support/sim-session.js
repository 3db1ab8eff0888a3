'use strict';
// What the simulator's Playwright journeys (tests/sim.test.js, sim-locale.test.js,
// sim-handover.test.js) share: the real stack of `make dev` (sim/stack.js), Chromium on the
// simulator page, and the helpers that read the phone, the panel's effects log and the double.
//
//   const { simSession } = require('./support/sim-session');
//   const sim = simSession('sim.test');       // registers beforeAll/afterAll
//   test('…', () => sim.withStackLog(async () => { await sim.page.goto(sim.stack.url); … }));
//
// Screenshots go to a temp folder, or to docs/screenshots with WCC_UPDATE_SCREENSHOTS=1
// (`make screenshots`). Needs `make build` and `make sim-bins`; a missing build, binary or
// Chromium is a clear failure, never a skip.

const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
/** The simulator page's viewport (the phone frame inside it is the phone's screen). */
const VIEWPORT = { width: 1360, height: 860 };
/** Chinese characters and the full-width punctuation Chinese text uses. */
const CJK = /[\u2E80-\u2FDF\u3000-\u303F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function shotsDir() {
  return process.env.WCC_UPDATE_SCREENSHOTS
    ? path.join(ROOT, 'docs', 'screenshots')
    : fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-shots-'));
}

/**
 * Starts the stack and Chromium before the file's tests and stops them after.
 * @param {string} name the test file's name, for messages
 * @param {{ stackOptions?: object, timeout?: number }} [o] stackOptions: more for startStack;
 *   timeout: expectPhone's default wait (ms).
 */
function simSession(name, o = {}) {
  const defaultTimeout = o.timeout || 20000;
  const s = {
    stack: null,
    browser: null,
    page: null,
    phone: null,
    pageErrors: [],
    stackLog: [], // the double's and the server's output, shown when a test fails
    SHOTS: shotsDir(),
  };

  beforeAll(async () => {
    require('../../sim/build').checkBuild();
    require('../../sim/stack').checkBinaries();
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${name}: ${CHROMIUM} is missing; run \`make browser-tools\` (apt-get install chromium)`);
    const { chromium } = require('playwright-core');
    const { startStack } = require('../../sim/stack');
    s.stack = await startStack(Object.assign({
      port: 0,
      log: (line) => { s.stackLog.push(line); if (s.stackLog.length > 400) s.stackLog.shift(); },
    }, o.stackOptions || {}));
    s.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    s.page = await s.browser.newPage({ viewport: VIEWPORT });
    s.page.on('pageerror', (e) => s.pageErrors.push(e.message));
    s.phone = s.page.frameLocator('#phone');
    fs.mkdirSync(s.SHOTS, { recursive: true });
  });

  afterAll(async () => {
    if (s.browser) await s.browser.close();
    if (s.stack) await s.stack.close();
  });

  /** The double's control API, straight from the test. */
  s.double = async (method, api, body) => {
    const res = await fetch(`${s.stack.double.url}/__double/${api}`, {
      method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${api}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  /** Calls of `api` that reached the double so far. */
  s.reachedWeCom = async (api) => ((await s.double('GET', 'counts')).counts || {})[api] || 0;

  /** Runs fn; a failure carries the last lines of the double and the server. */
  s.withStackLog = async (fn) => {
    try {
      return await fn();
    } catch (e) {
      e.message += `\n--- wecom-double and wcc-server, last lines:\n${s.stackLog.slice(-40).join('\n')}`;
      throw e;
    }
  };

  /** The phone's visible text, whitespace collapsed; with {nav: true}, the navigation bar's title first. */
  s.phoneText = async ({ nav = false } = {}) => {
    const pages = await s.phone.locator('#pages').innerText();
    const text = nav ? `${await s.phone.locator('#nav-title').innerText()} | ${pages}` : pages;
    return text.replace(/\s+/g, ' ').trim();
  };

  /**
   * Waits until the phone shows every string (and none of `absent`); returns the text.
   * @param {{ nav?: boolean }} [opts] nav: the navigation bar's title counts too
   */
  s.expectPhone = async (present, absent = [], timeout = defaultTimeout, opts = {}) => {
    const deadline = Date.now() + timeout;
    let text = '';
    for (;;) {
      text = await s.phoneText(opts);
      const missing = present.filter((x) => !text.includes(x));
      const unwanted = absent.filter((x) => text.includes(x));
      if (!missing.length && !unwanted.length) return text;
      if (Date.now() > deadline) {
        throw new Error(`the phone should show ${JSON.stringify(missing)}${unwanted.length ? ` and not ${JSON.stringify(unwanted)}` : ''}; it shows: ${text.slice(0, 2000)}`);
      }
      await sleep(50);
    }
  };

  /** The effects log's entries of one kind: [{text, path, api, args}]. */
  s.effects = (kind) => s.page.$$eval(`#sim-log li[data-kind="${kind}"]`, (items) => items.map((li) => ({
    text: li.textContent, path: li.dataset.path || null, api: li.dataset.api || null, args: li.dataset.args || null,
  })));

  /** Waits until fn() is truthy; resolves its value. */
  s.waitFor = async (what, fn, timeout = 15000) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const last = await fn();
      if (last) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  };

  /** Waits for a line of the panel's log (its notes) matching `re`. */
  s.waitForNote = async (re, timeout = 15000) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const notes = await s.page.$$eval('#sim-log li[data-kind="note"]', (items) => items.map((li) => li.textContent));
      if (notes.some((n) => re.test(n))) return;
      if (Date.now() > deadline) throw new Error(`no panel note matching ${re}; notes: ${JSON.stringify(notes.slice(-5))}`);
      await sleep(50);
    }
  };

  /** The phone's page data (the view model), as the panel shows it. */
  s.phoneView = () => s.page.evaluate(() => {
    const p = window.sim && window.sim.phone;
    const data = p ? p.pageData() : null;
    return data ? JSON.parse(JSON.stringify(data)) : null;
  });

  /** The errors the phone's runtime recorded. */
  s.phoneErrors = () => s.page.evaluate(() => (window.sim.phone ? window.sim.phone.errors.map((e) => `${e.type}: ${e.message}`) : ['no phone']));

  /**
   * Saves the simulator page as SHOTS/name.png, the phone scrolled to the top, or with
   * {scrollTo: selector} to that element's top ({block: 'end'}: its bottom at the screen's).
   */
  s.shot = async (name, { scrollTo, block = 'start' } = {}) => {
    if (scrollTo) await s.phone.locator(scrollTo).first().evaluate((el, b) => el.scrollIntoView({ block: b }), block);
    else await s.phone.locator('#pages').evaluate((el) => { el.scrollTop = 0; });
    await sleep(150); // let the panel's log and view model catch up
    const file = path.join(s.SHOTS, `${name}.png`);
    await s.page.screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(10000);
  };

  /**
   * The phone's screen and what it shows: {screen, content} in CSS pixels: the height of the
   * page area (#pages, below the navigation bar) and of the page's content in it.
   */
  s.phoneHeights = () => s.phone.locator('#pages').evaluate((el) => {
    const page = [...el.children].find((c) => c.style.display !== 'none' && c.getClientRects().length);
    let content = 0;
    if (page) for (const child of page.children) content = Math.max(content, child.getBoundingClientRect().bottom - el.getBoundingClientRect().top + el.scrollTop);
    return { screen: el.clientHeight, content: Math.ceil(content), scroll: el.scrollHeight };
  });

  /** Types into a field of the phone (its input or textarea). */
  s.type = (selector, value) => s.phone.locator(`${selector} input, ${selector} textarea`).first().fill(value);

  return s;
}

module.exports = { simSession, sleep, CJK, CHROMIUM, CHROMIUM_ARGS, VIEWPORT, ROOT };

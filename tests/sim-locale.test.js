/**
 * @jest-environment node
 */
// The simulator's locale switch (sim/, Chromium, on the real stack of `make dev`): the panel's
// Language control sets the client's wx.getSystemInfo().language and relaunches the phone; the
// core then renders home in that language only: its labels, its intro and the navigation bar's
// title, with no Chinese text once English is chosen, and back. Saves home-en.png (into a temp
// folder, or docs/screenshots with WCC_UPDATE_SCREENSHOTS=1). Needs `make build` and
// `make sim-bins`.
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SHOTS = process.env.WCC_UPDATE_SCREENSHOTS
  ? path.join(ROOT, 'docs', 'screenshots')
  : fs.mkdtempSync(path.join(require('os').tmpdir(), 'wcc-shots-'));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Chinese characters and the full-width punctuation Chinese text uses. */
const CJK = /[\u2E80-\u2FDF\u3000-\u303F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/;

jest.setTimeout(180000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stack;
let browser;
let page;
let phone;
const pageErrors = [];
const stackLog = [];

beforeAll(async () => {
  require('../sim/build').checkBuild();
  require('../sim/stack').checkBinaries();
  if (!fs.existsSync(CHROMIUM)) throw new Error(`sim-locale.test: ${CHROMIUM} is missing; run \`make browser-tools\``);
  const { chromium } = require('playwright-core');
  const { startStack } = require('../sim/stack');
  stack = await startStack({ port: 0, log: (line) => { stackLog.push(line); if (stackLog.length > 400) stackLog.shift(); } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  phone = page.frameLocator('#phone');
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  if (browser) await browser.close();
  if (stack) await stack.close();
});

async function withStackLog(fn) {
  try {
    return await fn();
  } catch (e) {
    e.message += `\n--- wecom-double and wcc-server, last lines:\n${stackLog.slice(-40).join('\n')}`;
    throw e;
  }
}

/** The phone's visible text (its pages and the navigation bar), whitespace collapsed. */
async function phoneText() {
  const pages = await phone.locator('#pages').innerText();
  const nav = await phone.locator('#nav-title').innerText();
  return `${nav} | ${pages}`.replace(/\s+/g, ' ').trim();
}

/** Waits until the phone shows every string (and none of `absent`); returns the text. */
async function expectPhone(present, absent = [], timeout = 20000) {
  const deadline = Date.now() + timeout;
  let text = '';
  for (;;) {
    text = await phoneText();
    const missing = present.filter((s) => !text.includes(s));
    const unwanted = absent.filter((s) => text.includes(s));
    if (!missing.length && !unwanted.length) return text;
    if (Date.now() > deadline) {
      throw new Error(`the phone should show ${JSON.stringify(missing)}${unwanted.length ? ` and not ${JSON.stringify(unwanted)}` : ''}; it shows: ${text}`);
    }
    await sleep(50);
  }
}

describe('the simulator switches the locale', () => {
  test('home in Chinese, then English only after switching, then Chinese again', () => withStackLog(async () => {
    await page.goto(`${stack.url}?entry=normal`);
    expect(await page.inputValue('#sim-language')).toBe('zh_CN');
    let text = await expectPhone(['客户联系', '选择客户', '客户交接（管理员）'], ['Pick a customer', 'Hand customers over']);

    await page.selectOption('#sim-language', 'en');
    // the phone relaunches with the client's language set to English
    text = await expectPhone(['Customer contact', 'Pick a customer', 'Hand customers over (admins)', 'Look up a customer'], ['选择客户']);
    expect(text).not.toMatch(CJK);
    expect(page.url()).toContain('lang=en');
    const info = await page.evaluate(() => window.sim.phone.wx.getSystemInfoSync().language);
    expect(info).toBe('en');
    await phone.locator('#pages').evaluate((el) => { el.scrollTop = 0; });
    await sleep(150);
    await page.screenshot({ path: path.join(SHOTS, 'home-en.png') });

    // a relaunch keeps the choice (it is the client's language, not the app's memory)
    await page.click('#sim-relaunch');
    text = await expectPhone(['Pick a customer']);
    expect(text).not.toMatch(CJK);

    await page.selectOption('#sim-language', 'zh_CN');
    text = await expectPhone(['客户联系', '选择客户'], ['Pick a customer', 'Customer contact']);
    expect(pageErrors).toEqual([]);
  }));
});

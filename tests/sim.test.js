/**
 * @jest-environment node
 */
// The WeCom simulator (`make dev`, sim/) in Chromium, on the real stack of `make dev`
// (sim/stack.js): wecom-double seeded with the simulator's fixtures, wcc-server on SQLite, and
// the simulator, whose phone runs the real reference mini program, shell and wasm core with
// wx.request going over HTTP to wcc-server. Driven through the scenario panel; what reached
// WeCom is counted at the double (/__double/counts). Three journeys (the card, the send, and the
// panel's network controls as faults at the double) assert the page text at each step; the
// first two save screenshots {card,edit,offline-save,send}.png: into a temp folder, or into
// docs/screenshots with `make screenshots` (WCC_UPDATE_SCREENSHOTS=1).
// Needs `make build` and the two binaries (`make sim-bins`).
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
const WECHAT_ID = 'wmChenXiaoMing0001AAAA'; // tools/fixtures/wecom-data.js: 陈晓明, remark 陈先生
const REMARK = '重点客户陈先生';
const MESSAGE = '陈先生您好，报价单已发到您的邮箱 📎';

jest.setTimeout(240000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stack;
let browser;
let page;
let phone;
const pageErrors = [];
const stackLog = []; // the double's and the server's output, shown when a test fails

beforeAll(async () => {
  // A missing build is a clear failure, not a skip.
  require('../sim/build').checkBuild();
  require('../sim/stack').checkBinaries();
  if (!fs.existsSync(CHROMIUM)) throw new Error(`sim.test: ${CHROMIUM} is missing; run \`make browser-tools\` (apt-get install chromium)`);
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

/** The double's control API, straight from the test. */
async function double(method, api, body) {
  const res = await fetch(`${stack.double.url}/__double/${api}`, {
    method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${api}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Calls of `api` that reached the double so far. */
async function reachedWeCom(api) {
  return ((await double('GET', 'counts')).counts || {})[api] || 0;
}

/** Fails with the last lines of the double and the server. */
async function withStackLog(fn) {
  try {
    return await fn();
  } catch (e) {
    e.message += `\n--- wecom-double and wcc-server, last lines:\n${stackLog.slice(-40).join('\n')}`;
    throw e;
  }
}

/** The phone's visible text, whitespace collapsed. */
async function phoneText() {
  const s = await phone.locator('#pages').innerText();
  return s.replace(/\s+/g, ' ').trim();
}

/** Waits until the phone shows every string (and none of `absent`); returns the text. */
async function expectPhone(present, absent = [], timeout = 15000) {
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

/** The effects log's entries of one kind: [{text, path, api, args}]. */
function effects(kind) {
  return page.$$eval(`#sim-log li[data-kind="${kind}"]`, (items) => items.map((li) => ({
    text: li.textContent, path: li.dataset.path || null, api: li.dataset.api || null, args: li.dataset.args || null,
  })));
}

async function waitFor(what, fn, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function shot(name) {
  await phone.locator('#pages').evaluate((el) => { el.scrollTop = 0; });
  await sleep(150); // let the panel's log and view model catch up
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  expect(fs.statSync(path.join(SHOTS, `${name}.png`)).size).toBeGreaterThan(10000);
}

async function phoneErrors() {
  return page.evaluate(() => (window.sim.phone ? window.sim.phone.errors.map((e) => `${e.type}: ${e.message}`) : ['no phone']));
}

const isRemark = (e) => /\/api\/external-contacts\/[^/]+\/remark$/.test(e.path || '');

describe('WeCom simulator (make dev) in Chromium', () => {
  test('the double holds every customer and chat of the panel\'s menus, but the unknown ones', async () => {
    const { CUSTOMERS, CHATS, doubleDataset } = require('../sim/fixtures');
    const dataset = doubleDataset();
    for (const c of CUSTOMERS) {
      const known = !/unknown/.test(c.label);
      expect([c.id, !!dataset.customers[c.id]]).toEqual([c.id, known]);
      if (!known) continue;
      const first = dataset.customers[c.id].follow_user[0].userid;
      const res = await fetch(`${stack.double.url}/__double/follow_user?external_userid=${c.id}&userid=${first}`);
      expect([c.id, res.status]).toEqual([c.id, 200]);
    }
    for (const c of CHATS) expect([c.id, !!dataset.group_chats[c.id]]).toEqual([c.id, !/unknown/.test(c.label)]);
  });

  test('card journey: open from single_chat_tools, edit the remark, save offline, sync once online', () => withStackLog(async () => {
    await page.goto(`${stack.url}?entry=single_chat_tools&customer=${WECHAT_ID}`);
    expect(await page.inputValue('#sim-entry')).toBe('single_chat_tools');
    expect(await page.inputValue('#sim-customer')).toBe(WECHAT_ID);

    // the card: my follow-up first, then colleagues
    // colleagues by name (the server's /api/members, from the double's directory), never
    // by userid; the customer's picture is the simulator's own fixture image
    let text = await expectPhone(['陈晓明', '我的跟进', '陈先生', '想了解企业版报价', '其他跟进同事', '李四', '陈总']);
    expect(await phone.locator('.customer-name').innerText()).toBe('陈晓明');
    expect(await phone.locator('.colleague-name').first().innerText()).toBe('李四');
    const avatar = phone.locator('.customer-avatar img.sim-image');
    expect(await avatar.getAttribute('src')).toBe(`${stack.url}__sim/avatars/chen.svg`);
    expect(await avatar.evaluate((img) => img.decode().then(() => img.naturalWidth))).toBeGreaterThan(0);
    expect(text.indexOf('我的跟进')).toBeLessThan(text.indexOf('其他跟进同事'));
    // launched the WXWebAssembly way, on the real core
    expect(await page.textContent('#sim-phone-status')).toMatch(/engine: wasm/);
    const wasm = await effects('wasm');
    expect(wasm.map((e) => e.text).join('\n')).toMatch(/WXWebAssembly\.instantiate\("\/core\/core\.wasm\.br"\)→ ok/);
    const qy = (await effects('qy')).map((e) => e.api);
    expect(qy).toEqual(expect.arrayContaining(['login', 'getContext', 'getCurExternalContact']));
    // the login went through WeCom: wx.qy.login's code, exchanged once at jscode2session with
    // the app's (agent) secret; the card came from externalcontact/get with the contact secret
    const counts = await double('GET', 'counts');
    expect(counts.counts['miniprogram/jscode2session']).toBe(1);
    expect(counts.gettoken['agent-secret']).toBe(1);
    expect(counts.counts['externalcontact/get']).toBeGreaterThanOrEqual(1);
    expect(counts.gettoken['contact-secret']).toBe(1);
    const session = (await effects('backend')).filter((e) => e.path === '/api/session');
    expect(session).toHaveLength(1);
    expect(session[0].text).toMatch(/wcc-server ← POST \/api\/session/);
    expect(session[0].text).toMatch(/200 .*"userid":"zhangsan"/);
    await shot('card');

    // the tag picker link says what a tap does (the page once read 收起标签 while closed)
    const toggle = phone.locator('#tag-picker-toggle');
    expect((await toggle.innerText()).trim()).toBe('+ 打标签');
    await toggle.click();
    await waitFor('the tag picker open', async () => (await toggle.innerText()).trim() === '收起标签');
    await toggle.click();
    await waitFor('the tag picker closed', async () => (await toggle.innerText()).trim() === '+ 打标签');

    // edit: the form replaces my follow-up
    await phone.locator('#edit').click();
    text = await expectPhone(['备注名', '3/20', '描述', '取消', '保存'], ['编辑']);
    const remark = phone.locator('#input-remark input');
    expect(await remark.inputValue()).toBe('陈先生');
    await remark.fill('');
    await remark.pressSequentially(REMARK, { delay: 20 });
    text = await expectPhone([`${[...REMARK].length}/20`]);
    expect(await remark.inputValue()).toBe(REMARK);
    await waitFor('the draft in storage', () => page.$(`#sim-storage [data-key="wcc:draft:${WECHAT_ID}"]`));
    await shot('edit');

    // offline, then save: optimistic card, the save waits in the outbox
    await page.locator('#sim-network').uncheck();
    expect(await page.textContent('#sim-phone-status')).toMatch(/OFFLINE/);
    await phone.locator('#save').click();
    text = await expectPhone([REMARK, '编辑', '有 1 项修改等待同步到企业微信'], ['取消']);
    await waitFor('a remark request that fails offline', async () => (await effects('request')).some((e) => isRemark(e) && /network unavailable/.test(e.text)));
    expect((await effects('backend')).filter(isRemark)).toHaveLength(0);
    expect(await reachedWeCom('externalcontact/remark')).toBe(0);
    await waitFor('the outbox in storage', () => page.$('#sim-storage [data-key="wcc:outbox"]'));
    await shot('offline-save');

    // online again: the outbox drains; exactly one remark request reaches WeCom (the double)
    await page.locator('#sim-network').check();
    text = await expectPhone([REMARK, '编辑'], ['等待同步']);
    await waitFor('the remark at wecom-double', async () => (await reachedWeCom('externalcontact/remark')) >= 1);
    await sleep(2500); // longer than the first retry backoff: nothing more may arrive
    expect(await reachedWeCom('externalcontact/remark')).toBe(1);
    const reached = (await effects('backend')).filter(isRemark);
    expect(reached).toHaveLength(1);
    expect(reached[0].text).toMatch(/POST \/api\/external-contacts\/wmChenXiaoMing0001AAAA\/remark/);
    expect(reached[0].text).toMatch(/"errcode":0/);
    // WeCom holds the new remark on my (zhangsan's) record, and only there
    const mine = await double('GET', `follow_user?external_userid=${WECHAT_ID}&userid=zhangsan`);
    expect(mine.remark).toBe(REMARK);
    expect((await double('GET', `follow_user?external_userid=${WECHAT_ID}&userid=lisi`)).remark).toBe('陈总');
    expect(await phone.locator('.mine .follow-remark').innerText()).toBe(REMARK);
    expect(await phoneErrors()).toEqual([]);
  }));

  test('send journey: compose, type, send; the log shows sendChatMessage with the exact args', () => withStackLog(async () => {
    await expectPhone(['陈晓明', '发送消息']);
    await phone.locator('#compose').click();
    await expectPhone(['文本', '文本内容', '0/4000', '发送', '快捷回复']);
    const box = phone.locator('#input-composer-text textarea');
    await box.click();
    await box.pressSequentially(MESSAGE, { delay: 10 });
    await expectPhone([`${[...MESSAGE].length}/4000`]);
    expect(await box.inputValue()).toBe(MESSAGE);
    await phone.locator('#send').click();

    const sent = await waitFor('sendChatMessage in the effects log', async () => {
      const list = (await effects('qy')).filter((e) => e.api === 'sendChatMessage');
      return list.length && /sendChatMessage:ok/.test(list[0].text) ? list : null;
    });
    expect(sent).toHaveLength(1);
    const args = JSON.parse(sent[0].args);
    // WeCom 4.1.36 on a phone: enterChat is offered (≥ 3.1.10, mobile), and off by default
    expect(args).toEqual({ msgtype: 'text', enterChat: false, text: { content: MESSAGE } });
    expect(sent[0].text).toContain(`wx.qy.sendChatMessage(${sent[0].args})`);
    await expectPhone(['已发送']);
    await shot('send');
    expect(await phoneErrors()).toEqual([]);
    expect(pageErrors).toEqual([]);
  }));

  test('the network controls drive the double: an expired session logs in again, a rejected save is restored, a WeCom fault is busy', () => withStackLog(async () => {
    const settled = () => page.evaluate(() => window.sim.doubleQueue.then(() => true));
    const unauthorized = async () => (await effects('backend')).filter((e) => /(^|[^0-9])401 \{/.test(e.text)).length;

    // expired sessions: wcc-server answers 401 to the stored token, the app logs in again
    // (through jscode2session at the double) and shows the card
    const logins = await reachedWeCom('miniprogram/jscode2session');
    const before401 = await unauthorized();
    await page.locator('#sim-expire').click();
    await waitFor('the sessions expired', async () => (await page.textContent('#sim-log')).includes('sessions expired'));
    await page.locator('#sim-relaunch').click();
    await waitFor('a 401 from wcc-server', async () => (await unauthorized()) > before401);
    await expectPhone(['陈晓明', '我的跟进', REMARK]);
    // one login, however many of the launch's calls got the 401
    expect(await reachedWeCom('miniprogram/jscode2session')).toBe(logins + 1);
    const sessions = (await effects('backend')).filter((e) => e.path === '/api/session');
    expect(sessions[sessions.length - 1].text).toMatch(/200 .*"userid":"zhangsan"/);

    // a rejected save (84061 from externalcontact/remark): refused, the card keeps the saved value
    await page.selectOption('#sim-reject-remark', '84061');
    expect(await settled()).toBe(true);
    const remarks = await reachedWeCom('externalcontact/remark');
    await phone.locator('#edit').click();
    const remark = phone.locator('#input-remark input');
    await remark.fill('');
    await remark.pressSequentially('不该保存', { delay: 20 });
    await phone.locator('#save').click();
    // said once, in words, with the next step; the refused text stays in the form
    await expectPhone(['84061', '未能保存备注名', '仍在表单中', '跟进的同事'], ['已恢复原值']);
    expect(await reachedWeCom('externalcontact/remark')).toBe(remarks + 1);
    expect((await double('GET', `follow_user?external_userid=${WECHAT_ID}&userid=zhangsan`)).remark).toBe(REMARK);
    await page.selectOption('#sim-reject-remark', '');
    await phone.locator('#cancel').click(); // the form kept the refused text; drop it
    await expectPhone(['编辑', REMARK], ['取消']);

    // WeCom's gateway answers 503: wcc-server is busy, the app retries, and recovers
    await page.selectOption('#sim-fault', '503');
    expect(await settled()).toBe(true);
    await page.locator('#sim-relaunch').click();
    await expectPhone(['服务暂时繁忙（503）']);
    await page.selectOption('#sim-fault', '');
    expect(await settled()).toBe(true);
    await expectPhone(['陈晓明', '我的跟进', REMARK], ['繁忙'], 30000);
    expect(await phoneErrors()).toEqual([]);
    expect(pageErrors).toEqual([]);
  }));
});

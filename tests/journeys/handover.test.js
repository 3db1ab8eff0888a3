/** @jest-environment jsdom */
// The hand-over journey on the built mini program in the headless WeCom runtime, against the
// real stack (sim/stack.js: wecom-double + wcc-server on SQLite, seeded by sim/fixtures.js):
// the admin hands a resigned rep's 250 customers (and 2 group chats) to a colleague; 24 hours
// later on the double's clock 2 customers refused and 1 found the taker at their limit, each
// shown with its reason; the server's records map every result to its request and call; the
// customer card says 交接中 while waiting, and the refusal after.
// One flavour (android): the stack's customers can be handed over twice in 90 days, so the
// journey runs once per stack. Needs `make build` and `make sim-bins`.
'use strict';
const { createRuntime } = require('../../tools/runtime');
const { startStack } = require('../../sim/stack');
const { HANDOVER, data } = require('../../sim/fixtures');
const { PACKAGE_DIR, view } = require('./harness');

jest.setTimeout(120000);

// jsdom has no fetch; sim/stack.js and this test need one (loopback HTTP only).
if (typeof fetch !== 'function') {
  const http = require('http');
  global.fetch = (url, o = {}) => new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method || 'GET', headers: o.headers || {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, ok: res.statusCode >= 200 && res.statusCode < 300, headers: res.headers,
          text: async () => text, json: async () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

let stack = null;
beforeAll(async () => {
  stack = await startStack({ port: 0, simulator: false });
}, 90000);
afterAll(async () => {
  require('../../tools/runtime').disposeAll();
  if (stack) await stack.close();
});

async function double(method, path, body) {
  const r = await fetch(`${stack.double.url}/__double/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(r.status).toBe(200);
  return r.json();
}

/** wx.request → wcc-server; the login code is one the double issued for `userid`. */
function forward(userid, seen) {
  return async (req) => {
    const m = String(req.url).match(/^https?:\/\/[^/]+(\/.*)$/);
    const path = m ? m[1] : req.url;
    let body = req.data;
    if (path === '/api/session') {
      const { code } = await double('POST', 'code', { userid });
      body = Object.assign({}, typeof body === 'string' ? JSON.parse(body) : body, { code });
    }
    const headers = Object.assign({}, req.header || {});
    const r = await fetch(`${stack.server.url}${path}`, {
      method: req.method || 'GET',
      headers,
      body: req.method && req.method !== 'GET' ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
    });
    const text = await r.text();
    seen.push({ method: req.method || 'GET', path, status: r.status, key: headers['Idempotency-Key'] || null });
    return { statusCode: r.status, data: text };
  };
}

async function open(scenario, userid = data.ME) {
  const seen = [];
  const rt = createRuntime({
    packageDir: PACKAGE_DIR,
    forwardConsole: false,
    hostWaitMs: 30000,
    scenario: Object.assign({ flavour: 'android', entry: 'normal', backend: forward(userid, seen) }, scenario),
  });
  await rt.launch();
  return { rt, seen };
}

function token(rt) {
  const raw = rt.device.storage.get('wcc:session');
  return JSON.parse(typeof raw === 'string' ? raw : JSON.stringify(raw)).token;
}

test('a resigned rep\'s 250 customers to a colleague: 2 refused, 1 at limit, every result mapped to its request', async () => {
  for (const i of HANDOVER.refuse) await double('POST', 'transfer_outcome', { external_userid: HANDOVER.customer(i), outcome: 'refuse' });
  for (const i of HANDOVER.atLimit) await double('POST', 'transfer_outcome', { external_userid: HANDOVER.customer(i), outcome: 'taker_at_limit' });

  const { rt, seen } = await open({});
  expect(view(rt).route).toBe('home');
  await rt.tap('#open-handover');
  expect(view(rt).route).toBe('handover');
  await rt.input('#input-handover-giver', HANDOVER.resigned);
  await rt.tap('#handover-load');
  let v = view(rt).handover;
  expect(v.problem).toBeNull();
  expect(v.customers).toHaveLength(250);
  expect(v.chats).toHaveLength(2);
  await rt.tap('#handover-select-all');
  await rt.input('#input-handover-taker', HANDOVER.resigned);
  await rt.tap('#handover-submit');
  expect(rt.text()).toContain('接替成员不能是原跟进成员');
  expect(seen.filter((r) => r.method === 'POST' && r.path === '/api/handover/transfers')).toHaveLength(0);
  await rt.input('#input-handover-taker', HANDOVER.taker);
  expect(rt.text()).toContain('已选 252 / 252');
  await rt.tap('#handover-submit');

  const posts = seen.filter((r) => r.method === 'POST' && r.path === '/api/handover/transfers');
  expect(posts).toHaveLength(1);
  expect(posts[0].key).toMatch(/^handover-ex_zhou-/);
  v = view(rt).handover;
  expect(v.problem).toBeNull();
  expect(v.transfer.waiting).toBe(true);
  expect(rt.text()).toContain('250 交接中，24 小时后生效');
  const id = v.transfer.id;

  // While waiting, the customer card says so.
  const card = await open({ entry: 'single_chat_tools', externalUserId: HANDOVER.customer(5) }, HANDOVER.taker);
  expect(view(card.rt).route).toBe('card');
  expect(view(card.rt).card.handover).toBe('交接中，24 小时后生效');
  expect(card.rt.dom().querySelector('.handover-status').textContent).toContain('交接中，24 小时后生效');

  // 24 hours later on the double's clock: settled, the transfer_fail callbacks delivered.
  const adv = await double('POST', 'advance', { secs: 86400 });
  expect(adv.callbacks).toEqual([200, 200, 200]);
  await rt.tap('#handover-refresh');
  v = view(rt).handover;
  expect(v.transfer.waiting).toBe(false);
  const failed = v.transfer.items.filter((i) => i.failed);
  expect(failed.map((i) => [i.id, i.state, i.words])).toEqual([
    [HANDOVER.customer(10), 'refused_by_customer', '客户拒绝了交接（客户在 24 小时内拒绝了接替）'],
    [HANDOVER.customer(20), 'refused_by_customer', '客户拒绝了交接（客户在 24 小时内拒绝了接替）'],
    [HANDOVER.customer(30), 'taker_at_limit', '接替成员的客户数已达上限（接替成员的客户已满，企业微信未能转入）'],
  ]);
  expect(rt.text()).toContain('客户拒绝了交接（客户在 24 小时内拒绝了接替）');
  expect(v.transfer.summary).toBe('249 已接替 · 2 客户拒绝了交接 · 1 接替成员的客户数已达上限');

  // The records: every result belongs to this request and to the call that carried it.
  const r = await fetch(`${stack.server.url}/api/handover/transfers/${id}`, { headers: { Authorization: `Bearer ${token(rt)}` } });
  expect(r.status).toBe(200);
  const rec = await r.json();
  expect(rec.calls.map((c) => [c.items, c.started, c.outcome])).toEqual([[100, 100, 'answered'], [100, 100, 'answered'], [50, 50, 'answered'], [2, 2, 'answered']]);
  expect(rec.counts).toEqual({ done: 249, refused_by_customer: 2, taker_at_limit: 1 });
  const byId = new Map(rec.items.map((i) => [i.id, i]));
  for (let i = 0; i < HANDOVER.customers; i++) {
    const item = byId.get(HANDOVER.customer(i));
    expect([i, item.transfer_id, item.call]).toEqual([i, id, Math.floor(i / 100) + 1]);
    if (HANDOVER.refuse.includes(i) || HANDOVER.atLimit.includes(i)) expect(item.fail_event_id).toEqual(expect.any(String));
  }

  // The card of a customer who refused says so, with the reason.
  const refused = await open({ entry: 'single_chat_tools', externalUserId: HANDOVER.customer(10) }, HANDOVER.taker);
  expect(view(refused.rt).card.handover).toBe('客户拒绝了交接（客户在 24 小时内拒绝了接替）');
  expect(rt.errors).toEqual([]);
  expect(card.rt.errors).toEqual([]);
});

test('a member not in WCC_HANDOVER_ADMINS is told in words', async () => {
  const { rt } = await open({}, HANDOVER.taker);
  await rt.tap('#open-handover');
  await rt.input('#input-handover-giver', HANDOVER.resigned);
  await rt.tap('#handover-load');
  const v = view(rt).handover;
  expect(v.denied).toBe(true);
  expect(rt.text()).toContain('只有交接管理员可以交接客户');
});

/**
 * @jest-environment node
 */
// The hand-over journey in the WeCom simulator (sim/, Chromium), on the real stack
// (sim/stack.js: wecom-double seeded with sim/fixtures.js, wcc-server on SQLite with
// WCC_HANDOVER_ADMINS = zhangsan and a callback inbox): the admin hands 周离's (ex_zhou,
// resigned) 250 customers and 2 group chats to 李四 on the phone; the double's clock goes
// 24 hours on; the phone shows 2 refused and 1 at limit with their reasons; the server's
// records map every result to its request and call; the card of a handed-over customer says
// 交接中 while waiting and the refusal after. Needs `make build` and `make sim-bins`.
'use strict';

const { simSession } = require('./support/sim-session');
const { HANDOVER } = require('../sim/fixtures');

jest.setTimeout(240000);

const sim = simSession('sim-handover.test');
const { double, withStackLog, expectPhone, phoneView, waitForNote, type, pageErrors } = sim;
let stack;
let page;
let phone;
beforeAll(() => { ({ stack, page, phone } = sim); });

/** The backend requests the phone made (the panel's effects log). */
function backendPaths() {
  return page.$$eval('#sim-log li[data-kind="backend"]', (items) => items.map((li) => ({ path: li.dataset.path || null, text: li.textContent })));
}

test('hand over a resigned rep\'s 250 customers to a colleague: 2 refused, 1 at limit, each result mapped to its request', () => withStackLog(async () => {
  await page.goto(`${stack.url}?entry=normal&member=zhangsan`);
  await expectPhone(['客户交接（管理员）']);
  // The panel's control tells the double who will refuse and who finds the taker at the limit.
  await page.locator('#sim-handover-outcomes').click();
  await waitForNote(/finds lisi at the limit/);
  await phone.locator('#open-handover').click();
  await expectPhone(['客户交接', '离职交接', '在职交接']);
  await type('#input-handover-giver', HANDOVER.resigned);
  await phone.locator('#handover-load').click();
  await expectPhone(['已选 0 / 252', HANDOVER.customer(249), HANDOVER.chat(1)]);
  await phone.locator('#handover-select-all').click();
  await expectPhone(['已选 252 / 252']);
  // The giver as taker is refused before anything is sent.
  await type('#input-handover-taker', HANDOVER.resigned);
  await phone.locator('#handover-submit').click();
  await expectPhone(['接替成员不能是原跟进成员']);
  await type('#input-handover-taker', HANDOVER.taker);
  await phone.locator('#handover-submit').click();
  await expectPhone(['ex_zhou → lisi', '250 交接中，24 小时后生效', '2 已接替']);
  const posts = (await backendPaths()).filter((e) => e.path === '/api/handover/transfers' && /POST/.test(e.text));
  expect(posts).toHaveLength(1);

  // The card of a customer being handed over says so. The panel relaunches the same phone
  // (its storage kept) from the chat toolbar of 客户0005.
  await page.selectOption('#sim-customer', HANDOVER.customer(5));
  await page.selectOption('#sim-entry', 'single_chat_tools');
  await expectPhone(['客户0005', '交接中，24 小时后生效']);

  // 24 hours on the double's clock: settled; the three transfer_fail callbacks reach wcc-server.
  await page.locator('#sim-handover-24h').click();
  await waitForNote(/hand-overs settled, 3 transfer_fail callback\(s\) sent/);

  await page.selectOption('#sim-customer', HANDOVER.customer(10));
  await expectPhone(['客户0010', '客户拒绝了交接（客户在 24 小时内拒绝了接替）']);

  // Home again, after those relaunches: the hand-over page reads the transfer it kept in
  // storage (wcc:handover).
  await page.selectOption('#sim-entry', 'normal');
  await expectPhone(['客户交接（管理员）']);
  await phone.locator('#open-handover').click();
  const text = await expectPhone([
    '249 已接替 · 2 客户拒绝了交接 · 1 接替成员的客户数已达上限',
    `${HANDOVER.customer(10)} 客户拒绝了交接（客户在 24 小时内拒绝了接替）`,
    `${HANDOVER.customer(20)} 客户拒绝了交接（客户在 24 小时内拒绝了接替）`,
    `${HANDOVER.customer(30)} 接替成员的客户数已达上限（接替成员的客户已满，企业微信未能转入）`,
  ], ['交接中，24 小时后生效']);
  expect(text.indexOf(HANDOVER.customer(10))).toBeLessThan(text.indexOf(HANDOVER.customer(0)));

  // The records, read from wcc-server: every result belongs to the one request and its call.
  const view = await phoneView();
  const id = view && view.handover && view.handover.transfer && view.handover.transfer.id;
  expect(id).toMatch(/^tr_/);
  const login = await double('POST', 'code', { userid: 'zhangsan' });
  const session = await (await fetch(`${stack.server.url}/api/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: login.code }),
  })).json();
  const rec = await (await fetch(`${stack.server.url}/api/handover/transfers/${id}`, { headers: { Authorization: `Bearer ${session.token}` } })).json();
  expect(rec.calls.map((c) => [c.items, c.started, c.outcome])).toEqual([[100, 100, 'answered'], [100, 100, 'answered'], [50, 50, 'answered'], [2, 2, 'answered']]);
  expect(rec.counts).toEqual({ done: 249, refused_by_customer: 2, taker_at_limit: 1 });
  expect(rec.items).toHaveLength(252);
  for (const item of rec.items) {
    expect(item.transfer_id).toBe(id);
    if (item.type === 'customer') {
      const i = Number(item.id.slice('wmHandover'.length));
      expect([item.id, item.call]).toEqual([item.id, Math.floor(i / 100) + 1]);
      const failed = HANDOVER.refuse.includes(i) || HANDOVER.atLimit.includes(i);
      expect([item.id, typeof item.fail_event_id]).toEqual([item.id, failed ? 'string' : 'object']);
    }
  }
  expect(pageErrors).toEqual([]);
}));

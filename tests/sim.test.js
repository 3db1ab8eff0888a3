/**
 * @jest-environment node
 */
// The WeCom simulator (`make dev`, sim/) in Chromium, on the real stack of `make dev`
// (sim/stack.js): wecom-double seeded with the simulator's fixtures, wcc-server on SQLite, and
// the simulator, whose phone runs the real reference mini program, shell and wasm core with
// wx.request going over HTTP to wcc-server. Driven through the scenario panel; what reached
// WeCom is counted at the double (/__double/counts). The journeys (the card, the send, the
// materials library the stack seeded and a picture from the phone, the panel's network controls
// as faults at the double, a group chat by name, a 500-follower customer folded to one screen) assert the page
// text at each step and save screenshots {card,edit,offline-save,send,materials,big-customer}.png:
// into a temp folder, or into docs/screenshots with `make screenshots` (WCC_UPDATE_SCREENSHOTS=1).
// The stack and browser setup is tests/support/sim-session.js, shared with the other sim tests.
// Needs `make build` and the two binaries (`make sim-bins`).
'use strict';

const { simSession, sleep } = require('./support/sim-session');

const WECHAT_ID = 'wmChenXiaoMing0001AAAA'; // tools/fixtures/wecom-data.js: 陈晓明, remark 陈先生
const REMARK = '重点客户陈先生';
const MESSAGE = '陈先生您好，报价单已发到您的邮箱 📎';

jest.setTimeout(240000);

const sim = simSession('sim.test', { timeout: 15000 });
const { double, reachedWeCom, withStackLog, expectPhone, phoneText, effects, waitFor, shot, phoneErrors, phoneHeights, pageErrors } = sim;
let stack;
let page;
let phone;
// The stack signed in once itself before the phone did: to fill the materials library as its
// admin (sim/stack.js seedMaterials); what the double counts here comes after that.
let seeded;
beforeAll(async () => {
  ({ stack, page, phone } = sim);
  seeded = await double('GET', 'counts');
});

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
    // the materials' files and the phone's picture are in sim/static/media, the picture's size as the fixture says
    const { MATERIALS, PHONE_PICTURE } = require('../sim/fixtures');
    const media = (f) => require('path').join(__dirname, '..', 'sim', 'static', 'media', f);
    for (const m of MATERIALS) for (const f of [m.file, m.cover].filter(Boolean)) expect([f, require('fs').existsSync(media(f))]).toEqual([f, true]);
    expect(require('fs').statSync(media(PHONE_PICTURE.file)).size).toBe(PHONE_PICTURE.size);
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
    // people by name: me 张三 (zhangsan), my colleagues 李四 (lisi) and 王五 (WangWu); no
    // userid is shown in a name's place, nor anywhere else on the card
    expect((await phone.locator('.mine .person-name').innerText()).trim()).toBe('张三');
    expect((await phone.locator('.colleague-name').allInnerTexts()).map((t) => t.trim())).toEqual(['李四', '王五']);
    expect(await phone.locator('.person-fallback, .person-note').count()).toBe(0);
    expect(text).not.toMatch(/zhangsan|lisi|wangwu/i);
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
    // the app's (agent) secret (one token, the server's, which seeding fetched already); the
    // card came from externalcontact/get with the contact secret
    const counts = await double('GET', 'counts');
    expect(counts.counts['miniprogram/jscode2session'] - seeded.counts['miniprogram/jscode2session']).toBe(1);
    expect(counts.gettoken['agent-secret']).toBe(1);
    expect(counts.counts['externalcontact/get']).toBeGreaterThanOrEqual(1);
    expect(counts.gettoken['contact-secret']).toBe(1);
    const session = (await effects('backend')).filter((e) => e.path === '/api/session');
    expect(session).toHaveLength(1);
    expect(session[0].text).toMatch(/wcc-server ← POST \/api\/session/);
    expect(session[0].text).toMatch(/200 .*"userid":"zhangsan"/);
    await shot('card');

    // the tag picker link says what a tap does (the page once read 收起标签 while closed)
    // closed: 打标签 and no picker; open: the corp's tags to pick and 收起标签; closed again
    const toggle = phone.locator('#tag-picker-toggle');
    const picker = phone.locator('.mine .tag-picker');
    expect((await toggle.innerText()).trim()).toBe('+ 打标签');
    expect(await picker.count()).toBe(0);
    await toggle.click();
    await waitFor('the tag picker open', async () => (await toggle.innerText()).trim() === '收起标签');
    expect(await picker.isVisible()).toBe(true);
    expect(await picker.locator('.tag-option').count()).toBeGreaterThan(3);
    expect(await picker.innerText()).toContain('A 级');
    await toggle.click();
    await waitFor('the tag picker closed', async () => (await toggle.innerText()).trim() === '+ 打标签');
    expect(await picker.count()).toBe(0);

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
    await expectPhone(['文本', '文本内容', '0/4000', '发送', '素材库']);
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

  test('materials journey: the library the admin filled lists in the composer, a tap sends it, and a picture from the phone is uploaded and sent', () => withStackLog(async () => {
    const { MATERIALS } = require('../sim/fixtures');
    const ids = stack.materials;
    expect(Object.keys(ids)).toEqual(MATERIALS.map((m) => m.key));
    const sent = async () => (await effects('qy')).filter((e) => e.api === 'sendChatMessage' && /sendChatMessage:ok/.test(e.text)).map((e) => JSON.parse(e.args));
    const before = (await sent()).length;
    const tab = async (type) => {
      await phone.locator(`.msg-type[data-arg="${type}"]`).click();
      await waitFor(`the ${type} tab`, async () => /tab-selected/.test(await phone.locator(`.msg-type[data-arg="${type}"]`).getAttribute('class')));
    };
    const material = (key) => phone.locator(`.material[data-arg="${ids[key]}"]`);

    // the text tab: the quick replies of a one-to-one chat by group, filled for 陈晓明 and signed
    // by the member's name (张三), never {name} or a userid; the group chats' templates are not here
    await tab('text');
    let text = await expectPhone(['素材库', '点一下即发送到聊天', '开场白', '问候', '跟进', '报价跟进', '预约拜访', '售后', '售后回访'], ['欢迎入群', '活动通知', '{name}', '{me}']);
    expect(await material('greet').innerText()).toContain('陈晓明您好，我是张三');
    expect(text).not.toMatch(/我是zhangsan/);
    await shot('materials', { scrollTo: '.library' });
    await material('quote').click();
    await waitFor('the quick reply sent', async () => (await sent()).length === before + 1);
    expect((await sent())[before]).toEqual({ msgtype: 'text', enterChat: false, text: { content: '陈晓明，报价单已发到您的邮箱，请查收；有疑问随时联系我。' } });

    // an image and a file: sent by the media id the server got from WeCom's media/upload (the
    // double's), which nobody typed or saw
    await tab('image');
    await expectPhone(['新品海报', '从手机选择图片']);
    expect(await phone.locator('#input-composer-imageMediaid').count()).toBe(0);
    await material('poster').click();
    await waitFor('the poster sent', async () => (await sent()).length === before + 2);
    const poster = (await sent())[before + 1];
    expect(poster).toEqual({ msgtype: 'image', enterChat: false, image: { mediaid: expect.any(String) } });
    expect(poster.image.mediaid.length).toBeGreaterThan(20);
    // files and videos are sent from the library only: they list under the 图片 tab
    await expectPhone(['价目表', '价目表 2026.pdf']);
    await material('price').click();
    await waitFor('the price list sent', async () => (await sent()).length === before + 3);
    expect((await sent())[before + 2]).toEqual({ msgtype: 'file', enterChat: false, file: { mediaid: expect.any(String) } });

    // a link and a mini-program card, their covers the simulator's pictures
    await tab('news');
    await expectPhone(['企业版介绍']);
    await material('site').click();
    await waitFor('the link sent', async () => (await sent()).length === before + 4);
    expect((await sent())[before + 3]).toEqual({
      msgtype: 'news', enterChat: false,
      news: { link: 'https://example.com/enterprise', title: '企业版介绍', desc: '功能、价格与客户案例一览', imgUrl: `${stack.url}__sim/media/cover.png` },
    });
    await tab('miniprogram');
    await expectPhone(['在线商城']);
    await material('shop').click();
    await waitFor('the card sent', async () => (await sent()).length === before + 5);
    expect((await sent())[before + 4]).toEqual({
      msgtype: 'miniprogram', enterChat: false,
      miniprogram: { appid: 'wx8bd80126147df384', title: '在线商城', imgUrl: `${stack.url}__sim/media/shop.png`, page: 'pages/shop/index.html' },
    });

    // 从手机选择图片: wx.chooseMedia picks the fixture picture, wx.uploadFile posts it to
    // wcc-server (POST /api/media, multipart), the server uploads it to WeCom, and the phone
    // sends the id it got back
    const uploads = await reachedWeCom('media/upload');
    await tab('image');
    await phone.locator('#pick-picture').click();
    await waitFor('the picture sent', async () => (await sent()).length === before + 6);
    const picture = (await sent())[before + 5];
    expect(picture).toEqual({ msgtype: 'image', enterChat: false, image: { mediaid: expect.any(String) } });
    expect(picture.image.mediaid).not.toBe(poster.image.mediaid);
    expect(await reachedWeCom('media/upload')).toBe(uploads + 1);
    const media = (await effects('backend')).filter((e) => e.path === '/api/media');
    expect(media).toHaveLength(1);
    expect(media[0].text).toContain(picture.image.mediaid);
    const qy = (await effects('wx')).map((e) => e.api);
    expect(qy).toEqual(expect.arrayContaining(['chooseMedia', 'uploadFile']));
    await expectPhone(['已发送']);
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

  test('a group chat by name: the owner and members are people, and the composer offers the group templates only', () => withStackLog(async () => {
    const { CHATS } = require('../sim/fixtures');
    await page.goto(`${stack.url}?entry=group_chat_tools&chat=${CHATS[1].id}`);
    // 华东区 VIP 客户群: owner lisi, zhangsan an admin; both shown by name
    await expectPhone(['华东区 VIP 客户群', '群主', '李四', '张三']);
    expect((await phone.locator('.group-owner .person-name').innerText()).trim()).toBe('李四');
    const internal = await phone.locator('.internal-members .member-name').allInnerTexts();
    expect(internal.map((t) => t.trim())).toEqual(expect.arrayContaining(['李四', '张三']));
    for (const t of internal) expect(t.trim()).not.toMatch(/^(lisi|zhangsan)$/);
    expect(await phoneText()).not.toMatch(/lisi 群主|zhangsan 群主/);
    // the group view carries the composer: the library offers what suits a group chat, filled
    // with the member's name, and nothing that names a customer
    await expectPhone(['素材库', '群聊', '欢迎入群', '活动通知', '自我介绍', '欢迎大家加入本群！我是张三'], ['报价跟进', '预约拜访', '{name}', '{me}', '缺少：客户名称']);
    await phone.locator(`.material[data-arg="${stack.materials.welcome}"]`).click();
    const sent = await waitFor('the group template sent', async () => (await effects('qy')).filter((e) => e.api === 'sendChatMessage' && /sendChatMessage:ok/.test(e.text)).pop());
    expect(JSON.parse(sent.args)).toEqual({ msgtype: 'text', enterChat: false, text: { content: '欢迎大家加入本群！我是张三，工作日 9:00-18:00 在线答疑。' } });
    expect(await phoneErrors()).toEqual([]);
  }));

  test('a 500-follow-user, 3,000-tag customer stays one screen tall, folded, until the rep expands it', () => withStackLog(async () => {
    const { GIANT_ID, data } = require('../sim/fixtures');
    const BIG_ID = data.bigCustomer().external_contact.external_userid;
    // the 3-follower card (陈晓明, two colleagues shown whole) fits one screen too
    await page.goto(`${stack.url}?entry=single_chat_tools&customer=${WECHAT_ID}`);
    await expectPhone(['陈晓明', '我的跟进', '其他跟进同事', '发起聊天'], [], 30000);
    const small = await phoneHeights();
    expect(small.content).toBeLessThanOrEqual(small.screen);
    await page.goto(`${stack.url}?entry=single_chat_tools&customer=${BIG_ID}`);
    await expectPhone(['大客户', '我的跟进', '查看全部 49 位同事'], [], 30000);
    const big = await phoneHeights();
    expect(big.content).toBeLessThanOrEqual(big.screen);
    await page.goto(`${stack.url}?entry=single_chat_tools&customer=${GIANT_ID}`);
    await expectPhone(['巨型客户（500 位跟进人）', '我的跟进', '其他跟进同事', '全部 10 组标签', '查看全部 499 位同事'], [], 30000);
    const { colleagueName } = require('../sim/fixtures');
    // the folded line names the first three colleagues, once their names are in
    await waitFor('the first colleagues by name', async () => (await phone.locator('.colleague-names').innerText()).trim() === `${[1, 2, 3].map(colleagueName).join('、')} 等`, 30000);
    const folded = await phoneHeights();
    // Folded, the whole page (header to the actions) is no taller than the phone's page area:
    // two of my ten tag groups, each folded to six tags, the colleagues as one line of names,
    // the three actions in a row.
    expect(folded.content).toBeLessThanOrEqual(folded.screen);
    expect(folded.scroll).toBeLessThanOrEqual(folded.screen);
    expect(await phone.locator('#open-chat').isVisible()).toBe(true);
    // the view holds only what is shown: no colleague's record, two groups of six tags
    expect(await phone.locator('.colleague').count()).toBe(0);
    expect(await phone.locator('.mine .tag-group').count()).toBe(2);
    expect(await phone.locator('.mine .tag').count()).toBe(12);
    expect(await phoneText()).not.toMatch(/colleague\d/);
    // the shot: the whole folded card on one screen
    await shot('big-customer');

    // every tag group of mine: taller, each group still folded to six tags
    await phone.locator('#tag-groups-more').click();
    await waitFor('every tag group shown', async () => (await phone.locator('.mine .tag-group').count()) === 10, 30000);
    expect(await phone.locator('.mine .tag').count()).toBe(60);
    const groups = await phoneHeights();
    expect(groups.content).toBeGreaterThan(folded.screen);
    // a tag group expanded shows its 300 tags
    await phone.locator('.mine .tags-more').first().click();
    await waitFor('a tag group expanded', async () => (await phone.locator('.mine .tag').count()) > 300);
    expect((await phoneHeights()).content).toBeGreaterThan(groups.content);
    await phone.locator('.mine .tags-less').first().click();
    await phone.locator('#tag-groups-less').click();
    await waitFor('my groups folded again', async () => (await phone.locator('.mine .tag-group').count()) === 2);
    expect((await phoneHeights()).content).toBeLessThanOrEqual(folded.screen);

    // the rep asks for every colleague: their records, and the page grows far past the screen
    await phone.locator('#colleagues-more').click();
    await waitFor('every colleague shown', async () => (await phone.locator('.colleague').count()) === 499, 30000);
    const expanded = await phoneHeights();
    // their names are asked for as they are shown: every one of them by name, once answered
    await waitFor('every colleague by name', async () => (await phone.locator('.colleague .person-note').count()) === 0, 30000);
    const names = (await phone.locator('.colleague-name').allInnerTexts()).map((t) => t.trim());
    expect([names[0], names[498]]).toEqual([colleagueName(1), colleagueName(499)]);
    expect(await phoneText()).not.toMatch(/colleague\d/);
    expect(expanded.content).toBeGreaterThan(folded.screen * 20);
    await phone.locator('#colleagues-less').click();
    await waitFor('the colleagues folded again', async () => (await phone.locator('.colleague').count()) === 0);
    expect((await phoneHeights()).content).toBeLessThanOrEqual(folded.screen);
    expect(await phoneErrors()).toEqual([]);
  }));
});

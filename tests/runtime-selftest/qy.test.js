'use strict';
// wx.qy contract (facts §3) and wx.getSystemInfo* host detection.
const { fixtureRuntimes, call, run } = require('./helpers');

const { mk, track } = fixtureRuntimes();

const loggedIn = async (scenario) => {
  const rt = mk(scenario);
  expect((await call(rt, 'qy.login')).errMsg).toBe('login:ok');
  return rt;
};

describe('host detection', () => {
  test('wecom: environment wxwork, wx.qy present; wechat: neither', () => {
    const rt = mk();
    expect(run(rt, 'wx.getSystemInfoSync()')).toMatchObject({
      platform: 'android', version: '8.0.50', SDKVersion: '3.4.0', language: 'zh_CN', environment: 'wxwork',
    });
    expect(run(rt, 'typeof wx.qy')).toBe('object');
    const wechat = mk({ host: 'wechat' });
    expect(run(wechat, 'typeof wx.qy')).toBe('undefined');
    expect(run(wechat, '"environment" in wx.getSystemInfoSync()')).toBe(false);
    const flaky = mk({ environmentFlaky: true });
    expect(run(flaky, '"environment" in wx.getSystemInfoSync()')).toBe(false);
    expect(run(flaky, 'typeof wx.qy.login')).toBe('function');
  });

  test('wx.qy.getSystemInfo returns the client version (after login)', async () => {
    const rt = await loggedIn({ clientVersion: '3.1.8' });
    expect((await call(rt, 'qy.getSystemInfo')).ok).toMatchObject({ version: '3.1.8', errMsg: 'getSystemInfo:ok' });
  });
});

describe('login', () => {
  test('every call but login/checkSession needs a prior login', async () => {
    const rt = mk();
    expect((await call(rt, 'qy.getContext')).errMsg).toBe('getContext:fail not login');
    expect((await call(rt, 'qy.getCurExternalContact')).errMsg).toBe('getCurExternalContact:fail not login');
    expect((await call(rt, 'qy.checkSession')).errMsg).toBe('checkSession:fail session expired');
    const login = await call(rt, 'qy.login');
    expect(login.ok).toEqual({ code: 'code-1', errMsg: 'login:ok' });
    expect(login.calls).toEqual(['success', 'complete']);
    expect(login.syncCalls).toBe(0); // callbacks are asynchronous
    expect(login.ret).toBeUndefined();
    expect((await call(rt, 'qy.checkSession')).ok).toEqual({ expireIn: 7200, errMsg: 'checkSession:ok' });
    expect((await call(rt, 'qy.getContext')).ok).toEqual({ entry: 'single_chat_tools', errMsg: 'getContext:ok' });
    expect((await call(rt, 'qy.login')).ok.code).toBe('code-2');
  });

  test('login persists across kill(); sessionValid:false fails checkSession until a new login', async () => {
    const rt = await loggedIn();
    const rt2 = await rt.kill();
    track(rt2);
    expect((await call(rt2, 'qy.getContext')).errMsg).toBe('getContext:ok');
    const expired = mk({ sessionValid: false }, rt2.device);
    expect((await call(expired, 'qy.checkSession')).errMsg).toBe('checkSession:fail session expired');
    expect((await call(expired, 'qy.getContext')).errMsg).toBe('getContext:ok');
    expect((await call(expired, 'qy.login')).ok.code).toBe('code-2');
    expect((await call(expired, 'qy.checkSession')).errMsg).toBe('checkSession:ok');
  });
});

describe('entries', () => {
  test.each([
    ['contact_profile', 'getCurExternalContact:ok', 'getCurExternalChat:fail without context of external contact'],
    ['single_chat_tools', 'getCurExternalContact:ok', 'getCurExternalChat:fail without context of external contact'],
    ['chain_single_chat_tools', 'getCurExternalContact:fail without context of external contact', 'getCurExternalChat:fail without context of external contact'],
    ['group_chat_tools', 'getCurExternalContact:fail without context of external contact', 'getCurExternalChat:ok'],
    ['chain_group_chat_tools', 'getCurExternalContact:fail without context of external contact', 'getCurExternalChat:fail without context of external contact'],
    ['chat_attachment', 'getCurExternalContact:fail without context of external contact', 'getCurExternalChat:fail without context of external contact'],
    ['normal', 'getCurExternalContact:fail without context of external contact', 'getCurExternalChat:fail without context of external contact'],
  ])('%s', async (entry, contact, chat) => {
    const rt = await loggedIn({ entry, externalUserId: 'wmX1', chatId: 'wrC1' });
    expect((await call(rt, 'qy.getContext')).ok.entry).toBe(entry);
    const c = await call(rt, 'qy.getCurExternalContact');
    expect(c.errMsg).toBe(contact);
    if (c.ok) expect(c.ok.userId).toBe('wmX1');
    const g = await call(rt, 'qy.getCurExternalChat');
    expect(g.errMsg).toBe(chat);
    if (g.ok) expect(g.ok.chatId).toBe('wrC1');
  });

  test.each([
    ['chain_single_chat_tools', 'getCurCorpGroupContact:ok', 'getCurCorpGroupChat:fail without context of corpgroup contact'],
    ['chain_group_chat_tools', 'getCurCorpGroupContact:fail without context of corpgroup contact', 'getCurCorpGroupChat:ok'],
    ['single_chat_tools', 'getCurCorpGroupContact:fail without context of corpgroup contact', 'getCurCorpGroupChat:fail without context of corpgroup contact'],
    ['group_chat_tools', 'getCurCorpGroupContact:fail without context of corpgroup contact', 'getCurCorpGroupChat:fail without context of corpgroup contact'],
  ])('the 上下游 calls from %s', async (entry, contact, chat) => {
    const rt = await loggedIn({ entry, corpGroupCorpId: 'wwP1', corpGroupUserId: 'u1', corpGroupChatId: 'c1' });
    const c = await call(rt, 'qy.getCurCorpGroupContact');
    expect(c.errMsg).toBe(contact);
    if (c.ok) expect([c.ok.corpId, c.ok.userId]).toEqual(['wwP1', 'u1']);
    const g = await call(rt, 'qy.getCurCorpGroupChat');
    expect(g.errMsg).toBe(chat);
    if (g.ok) expect(g.ok.chatId).toBe('c1');
  });

  test('the 上下游 calls are missing below 4.0.8, and the contact one in devtools', async () => {
    const old = await loggedIn({ entry: 'chain_single_chat_tools', clientVersion: '4.0.7' });
    expect(typeof old.wx.qy.getCurCorpGroupContact).toBe('undefined');
    expect(typeof old.wx.qy.getCurCorpGroupChat).toBe('undefined');
    const dev = await loggedIn({ entry: 'chain_single_chat_tools', platform: 'devtools' });
    expect((await call(dev, 'qy.getCurCorpGroupContact')).errMsg).toBe('getCurCorpGroupContact:fail not support');
  });

  test('shareTicket is returned when the scenario has one', async () => {
    const rt = await loggedIn({ entry: 'group_chat_tools', shareTicket: 'tk' });
    expect((await call(rt, 'qy.getContext')).ok).toEqual({ entry: 'group_chat_tools', shareTicket: 'tk', errMsg: 'getContext:ok' });
  });

  test('sendChatMessage: tool entries, chat_attachment from 3.1.6 except on mac', async () => {
    const msg = { msgtype: 'text', text: { content: 'hi' } };
    const send = async (scenario) => (await call(await loggedIn(scenario), 'qy.sendChatMessage', msg)).errMsg;
    expect(await send({ entry: 'single_chat_tools' })).toBe('sendChatMessage:ok');
    expect(await send({ entry: 'chain_group_chat_tools' })).toBe('sendChatMessage:ok');
    expect(await send({ entry: 'contact_profile' })).toBe('sendChatMessage:fail without context of external contact');
    expect(await send({ entry: 'chat_attachment', clientVersion: '3.1.6' })).toBe('sendChatMessage:ok');
    expect(await send({ entry: 'chat_attachment', clientVersion: '3.1.5' })).toBe('sendChatMessage:fail without context of external contact');
    expect(await send({ entry: 'chat_attachment', platform: 'mac' })).toBe('sendChatMessage:fail without context of external contact');
  });

  test('sendChatMessage validates imgUrl and miniprogram page', async () => {
    const rt = await loggedIn();
    const news = (imgUrl) => ({ msgtype: 'news', news: { link: 'https://x.test', title: 't', desc: 'd', imgUrl } });
    expect((await call(rt, 'qy.sendChatMessage', news('https://x.test/a.png'))).errMsg).toBe('sendChatMessage:ok');
    expect((await call(rt, 'qy.sendChatMessage', news('x.test/a.png'))).errMsg).toBe('sendChatMessage:fail invalid imgUrl');
    const mp = (page) => ({ msgtype: 'miniprogram', miniprogram: { appid: 'wx1', title: 't', imgUrl: 'https://x.test/a.png', page } });
    expect((await call(rt, 'qy.sendChatMessage', mp('pages/index/index.html?id=1'))).errMsg).toBe('sendChatMessage:ok');
    expect((await call(rt, 'qy.sendChatMessage', mp('pages/index/index'))).errMsg).toBe('sendChatMessage:fail invalid page: miniprogram.page must end with .html');
    expect((await call(rt, 'qy.sendChatMessage', { msgtype: 'text', text: {} })).errMsg).toBe('sendChatMessage:fail invalid params: text.content is required');
  });
});

describe('version gates, devtools, permission, allow list, overrides', () => {
  test('older clients lack newer methods', () => {
    const has = (v) => run(mk({ clientVersion: v }), '["getContext","getCurExternalContact","getCurExternalChat","selectExternalContact","sendChatMessage","openEnterpriseChat","login"].filter(n => typeof wx.qy[n] === "function").join(",")');
    expect(has('4.1.36')).toBe('getContext,getCurExternalContact,getCurExternalChat,selectExternalContact,sendChatMessage,openEnterpriseChat,login');
    expect(has('3.0.23')).toBe('getCurExternalContact,getCurExternalChat,selectExternalContact,sendChatMessage,openEnterpriseChat,login');
    expect(has('3.0.15')).toBe('getCurExternalContact,selectExternalContact,sendChatMessage,openEnterpriseChat,login');
    expect(has('2.5.7')).toBe('selectExternalContact,openEnterpriseChat,login');
    expect(run(mk({ clientVersion: '3.0.0' }), 'wx.qy.canIUse("getContext") + "," + wx.qy.canIUse("login")')).toBe('false,true');
  });

  test('openEnterpriseChat returns chatId from 3.0.36', async () => {
    const args = { userIds: 'zhangsan;lisi', externalUserIds: 'wmA', groupName: 'g' };
    expect((await call(await loggedIn({ clientVersion: '3.0.36' }), 'qy.openEnterpriseChat', args)).ok).toEqual({ chatId: 'wr-new-1', errMsg: 'openEnterpriseChat:ok' });
    expect((await call(await loggedIn({ clientVersion: '3.0.35' }), 'qy.openEnterpriseChat', args)).ok).toEqual({ errMsg: 'openEnterpriseChat:ok' });
  });

  test('devtools cannot run getContext, getCurExternalContact, getCurExternalChat, shareToExternalContact', async () => {
    const rt = await loggedIn({ platform: 'devtools', entry: 'group_chat_tools' });
    for (const api of ['getContext', 'getCurExternalContact', 'getCurExternalChat', 'shareToExternalContact']) {
      expect((await call(rt, `qy.${api}`)).errMsg).toBe(`${api}:fail not support`);
    }
    expect((await call(rt, 'qy.sendChatMessage', { msgtype: 'text', text: { content: 'x' } })).errMsg).toBe('sendChatMessage:ok');
  });

  test('permission:false fails the contact APIs with "no permission"', async () => {
    const rt = await loggedIn({ permission: false, entry: 'single_chat_tools' });
    const args = {
      getCurExternalContact: {}, getCurExternalChat: {}, selectExternalContact: { filterType: 0 },
      sendChatMessage: { msgtype: 'text', text: { content: 'x' } }, openEnterpriseChat: { userIds: 'a' }, shareToExternalContact: { text: { content: 'x' } },
    };
    for (const [api, a] of Object.entries(args)) expect((await call(rt, `qy.${api}`, a)).errMsg).toBe(`${api}:fail no permission`);
    expect((await call(rt, 'qy.getContext')).errMsg).toBe('getContext:ok');
    expect((await call(rt, 'qy.openUserProfile', { type: 2, userid: 'wmA' })).errMsg).toBe('openUserProfile:ok');
  });

  test('allowList:false fails with "user not in allow list"', async () => {
    const rt = await loggedIn({ allowList: false });
    expect((await call(rt, 'qy.getContext')).errMsg).toBe('getContext:fail user not in allow list');
    expect((await call(rt, 'qy.getCurExternalContact')).errMsg).toBe('getCurExternalContact:fail user not in allow list');
  });

  test('selectExternalContact returns the scenario list or a cancel', async () => {
    expect((await call(await loggedIn({ selectContacts: ['wmA', 'wmB'] }), 'qy.selectExternalContact', { filterType: 1 })).ok)
      .toEqual({ userIds: ['wmA', 'wmB'], errMsg: 'selectExternalContact:ok' });
    expect((await call(await loggedIn({ selectContacts: 'cancel' }), 'qy.selectExternalContact', { filterType: 0 })).errMsg)
      .toBe('selectExternalContact:fail cancel');
  });

  test('results overrides force any outcome', async () => {
    const rt = await loggedIn({ entry: 'normal', results: { sendChatMessage: 'cancel', getCurExternalContact: 'ok', getContext: () => 'no permission' } });
    expect((await call(rt, 'qy.sendChatMessage', { msgtype: 'text', text: { content: 'x' } })).errMsg).toBe('sendChatMessage:fail cancel');
    expect((await call(rt, 'qy.getCurExternalContact')).ok.userId).toMatch(/^wm/);
    expect((await call(rt, 'qy.getContext')).errMsg).toBe('getContext:fail no permission');
    const noLogin = mk({ results: { login: 'user not in allow list' } });
    expect((await call(noLogin, 'qy.login')).errMsg).toBe('login:fail user not in allow list');
    expect((await call(noLogin, 'qy.getContext')).errMsg).toBe('getContext:fail not login');
  });

  test('every call is logged with its exact arguments and result', async () => {
    const rt = await loggedIn();
    await call(rt, 'qy.openUserProfile', { type: 1, userid: 'zhangsan' });
    const last = rt.log.qy[rt.log.qy.length - 1];
    expect(last).toMatchObject({ api: 'openUserProfile', args: { type: 1, userid: 'zhangsan' }, errMsg: 'openUserProfile:ok', result: { errMsg: 'openUserProfile:ok' } });
    expect(rt.log.qy.map((e) => e.api)).toEqual(['login', 'openUserProfile']);
  });
});

/** @jest-environment jsdom */
// The built mini program launched in the headless WeCom runtime, in every
// context scenario. Each ends on the right view or a clear message, never a
// blank page and never an uncaught error.
'use strict';
const harness = require('./harness');

const { view, data, FLAVOURS } = harness;

afterEach(() => require('../../tools/runtime').disposeAll());

async function expectClean(rt) {
  expect(rt.errors).toEqual([]);
  const text = rt.text();
  expect(text.trim().length).toBeGreaterThan(0);
  return text;
}

describe.each(FLAVOURS)('on the %s client', (flavour) => {
  const launch = (scenario = {}, options) => harness.launch(Object.assign({ flavour }, scenario), options);

  describe('entries', () => {
    test.each(['single_chat_tools', 'contact_profile'])('%s opens the customer card', async (entry) => {
      const { rt } = await launch({ entry });
      const v = view(rt);
      expect(v.route).toBe('card');
      expect(v.card.customer.name).toBe('陈晓明');
      const text = await expectClean(rt);
      expect(text).toContain('陈晓明');
      expect(text).toContain('陈先生');
      expect(rt.log.qy.map((c) => c.api)).toEqual(
        expect.arrayContaining(['login', 'getSystemInfo', 'getContext', 'getCurExternalContact']),
      );
    });

    test('group_chat_tools opens the group view', async () => {
      const { rt } = await launch({ entry: 'group_chat_tools' });
      expect(view(rt).route).toBe('group');
      expect(await expectClean(rt)).toContain('企业版客户交流群');
    });

    test('chat_attachment opens the composer with no customer lookup', async () => {
      const { rt } = await launch({ entry: 'chat_attachment' });
      expect(view(rt).route).toBe('compose');
      expect(rt.log.qy.map((c) => c.api)).not.toContain('getCurExternalContact');
      await expectClean(rt);
    });

    test.each([
      ['chain_single_chat_tools', 'getCurCorpGroupContact', '上下游企业的联系人'],
      ['chain_group_chat_tools', 'getCurCorpGroupChat', '上下游互联群'],
    ])('%s asks %s (never the customer calls) and opens the composer, saying why', async (entry, call, words) => {
      const { rt } = await launch({ entry });
      const v = view(rt);
      expect(v.route).toBe('compose');
      const calls = rt.log.qy.map((c) => c.api);
      expect(calls).toContain(call);
      expect(calls).not.toContain('getCurExternalContact');
      expect(calls).not.toContain('getCurExternalChat');
      const text = await expectClean(rt);
      expect(text).toContain(words);
      expect(text).not.toContain('请从客户详情页或与客户的聊天工具栏打开');
    });

    test('normal opens home', async () => {
      const { rt } = await launch({ entry: 'normal' });
      expect(view(rt).route).toBe('home');
      await expectClean(rt);
    });

    test('an unknown entry degrades to home and says so', async () => {
      const { rt } = await launch({ entry: 'brand_new_entry_2027' });
      const v = view(rt);
      expect(v.route).toBe('home');
      expect(v.banner).toContain('brand_new_entry_2027');
      expect(await expectClean(rt)).toContain('brand_new_entry_2027');
    });
  });

  describe('where it cannot work', () => {
    test('devtools says open on the phone', async () => {
      const { rt } = await launch({ platform: 'devtools' });
      const v = view(rt);
      expect(v.route).toBe('notice');
      expect(v.notice.code).toBe('devtools');
      expect(await expectClean(rt)).toContain('请在手机上打开');
    });

    test('WeChat instead of WeCom', async () => {
      const { rt } = await launch({ host: 'wechat' });
      expect(view(rt).notice.code).toBe('not_in_wecom');
      expect(await expectClean(rt)).toContain('此小程序在微信中打开，而不是企业微信');
      expect(rt.log.qy).toEqual([]);
    });

    test('a client too old for getContext says update', async () => {
      const { rt } = await launch({ clientVersion: '2.9.0' });
      expect(view(rt).notice.code).toBe('client_too_old');
      expect(await expectClean(rt)).toContain('3.0.24');
    });

    test('no permission says ask the admin', async () => {
      const { rt } = await launch({ permission: false });
      expect(view(rt).notice.code).toBe('no_permission');
      expect(await expectClean(rt)).toContain('请联系管理员将你加入「客户联系」使用范围');
    });
  });

  describe('session', () => {
    test('an expired session logs in again on the next launch', async () => {
      const first = await launch({});
      expect(view(first.rt).route).toBe('card');
      const device = first.rt.device;
      const rt2 = await first.rt.kill();
      rt2.scenario.sessionValid = false;
      await rt2.launch();
      expect(view(rt2).route).toBe('card');
      const apis = rt2.log.qy.map((c) => c.api);
      expect(apis).toContain('checkSession');
      expect(apis).toContain('login');
      expect(rt2.errors).toEqual([]);
      expect(device).toBe(rt2.device);
    });

    test('the backend down, then up', async () => {
      const { rt } = await launch({ network: false });
      let v = view(rt);
      expect(v.route).toBe('loading');
      expect(v.banner).toMatch(/重试|retry/);
      expect(await expectClean(rt)).toMatch(/重试/);
      rt.setNetwork(true);
      await rt.settle();
      v = view(rt);
      expect(v.route).toBe('card');
      expect(rt.text()).toContain('陈晓明');
      expect(rt.errors).toEqual([]);
    });

    test('nothing secret reaches storage or logs', async () => {
      const { rt } = await launch({});
      const stored = JSON.stringify([...rt.device.storage.entries()]);
      expect(stored).not.toMatch(/session_key|secret|EncodingAESKey/i);
      const logs = JSON.stringify(rt.log.console || []);
      expect(logs).not.toContain('13800138000');
      expect(logs).not.toContain(data.CORP_ID + 'secret');
    });
  });
});

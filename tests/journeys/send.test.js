/** @jest-environment jsdom */
// Sending into the chat from every entry, on the built mini program in the
// headless WeCom runtime: the exact wx.qy.sendChatMessage arguments the
// shell passed, and what the page shows for each failure.
'use strict';
const harness = require('./harness');

const { view, FLAVOURS } = harness;

afterEach(() => require('../../tools/runtime').disposeAll());

const sends = (rt) => rt.log.qy.filter((c) => c.api === 'sendChatMessage');

async function typeAndSend(rt, text) {
  await rt.input('#input-composer-text', text);
  await rt.tap('#send');
}

describe.each(FLAVOURS)('on the %s client', (flavour) => {
  const launch = (scenario = {}) => harness.launch(Object.assign({ flavour }, scenario));

  test('single chat: from the card, the exact arguments', async () => {
    const { rt } = await launch({ entry: 'single_chat_tools' });
    await rt.tap('#compose');
    await typeAndSend(rt, '{name}，报价单已发您邮箱');
    const calls = sends(rt);
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual({ msgtype: 'text', enterChat: false, text: { content: '陈晓明，报价单已发您邮箱' } });
    expect(view(rt).composer.lastResult.sent).toBe(true);
    expect(rt.text()).toMatch(/已发送|Sent/);
    expect(rt.errors).toEqual([]);
  });

  test('group chat: the composer under the group view', async () => {
    const { rt } = await launch({ entry: 'group_chat_tools' });
    expect(rt.text()).toContain('企业版客户交流群');
    await typeAndSend(rt, '各位好，今晚 8 点直播');
    expect(sends(rt).map((c) => c.args)).toEqual([
      { msgtype: 'text', enterChat: false, text: { content: '各位好，今晚 8 点直播' } },
    ]);
    expect(rt.errors).toEqual([]);
  });

  test('attachment bar: a news link, no customer lookup', async () => {
    const { rt } = await launch({ entry: 'chat_attachment' });
    await rt.tap('.msg-type[data-arg="news"]');
    await rt.input('#input-composer-newsLink', 'https://example.com/brochure');
    await rt.input('#input-composer-newsTitle', '产品手册');
    await rt.input('#input-composer-newsImgUrl', 'https://cdn.example.com/cover.png');
    await rt.tap('#send');
    expect(sends(rt).map((c) => c.args)).toEqual([
      {
        msgtype: 'news',
        enterChat: false,
        news: { link: 'https://example.com/brochure', title: '产品手册', imgUrl: 'https://cdn.example.com/cover.png' },
      },
    ]);
    expect(rt.log.qy.map((c) => c.api)).not.toContain('getCurExternalContact');
    expect(rt.errors).toEqual([]);
  });

  test('normal: pick a customer, then open a chat with them (no send from home)', async () => {
    const { rt } = await launch({ entry: 'normal' });
    await rt.tap('#pick-customer');
    expect(view(rt).route).toBe('card');
    await rt.tap('#open-chat');
    const open = rt.log.qy.find((c) => c.api === 'openEnterpriseChat');
    expect(open.args).toEqual({ userIds: '', externalUserIds: harness.data.WECHAT_ID, groupName: '', chatId: '' });
    await rt.tap('#compose');
    expect(view(rt).composer.canSend).toBe(false);
    // One line says why nothing can be sent (the composer's blocked line; no second note).
    expect(view(rt).composer.note).toBeNull();
    expect(rt.text()).toContain(view(rt).composer.blocked.message);
    await typeAndSend(rt, 'hi');
    expect(sends(rt)).toHaveLength(0);
    expect(rt.errors).toEqual([]);
  });
});

describe('every send failure is shown, and the message stays', () => {
  test.each([
    ['cancel', 'cancelled'],
    ['no permission', 'no_permission'],
    ['user not in allow list', 'not_in_allow_list'],
    ['without context of external contact', 'wrong_entry'],
    ['invalid imgUrl', 'invalid_image_url'],
    ['not support', 'unsupported'],
  ])('%s', async (reason, code) => {
    const { rt } = await harness.launch({ entry: 'single_chat_tools', results: { sendChatMessage: reason } });
    await rt.tap('#compose');
    await typeAndSend(rt, '这条消息不能丢');
    const v = view(rt);
    expect(v.composer.lastResult.code).toBe(code);
    expect(v.composer.lastResult.sent).toBe(false);
    expect(rt.text()).toContain(v.composer.lastResult.message);
    expect(v.composer.fields[0].value).toBe('这条消息不能丢');
    expect(rt.attr('#input-composer-text', 'value')).toBe('这条消息不能丢');
    expect(rt.errors).toEqual([]);
  });

  test('an old Mac client from the attachment bar says it cannot send', async () => {
    const { rt } = await harness.launch({ entry: 'chat_attachment', platform: 'mac' });
    const v = view(rt);
    expect(v.composer.canSend).toBe(false);
    expect(v.composer.note).toBeNull();
    expect(rt.text()).toContain(v.composer.blocked.message);
  });
  test('a client below 3.1.6 on the attachment bar gets one message: upgrade (not also "open from the toolbar")', async () => {
    const { rt } = await harness.launch({ entry: 'chat_attachment', clientVersion: '3.1.5' });
    const v = view(rt);
    expect(v.composer.canSend).toBe(false);
    expect(v.composer.note).toBeNull();
    expect(v.composer.blocked.message).toContain('3.1.6');
    const text = rt.text();
    expect(text).toContain(v.composer.blocked.message);
    expect(text).not.toContain('请从聊天工具栏或附件栏');
  });
});

/** @jest-environment jsdom */
// The materials library, on the built mini program in the headless WeCom runtime with the
// fixture backend: the composer lists what the library holds for the chat, a tap sends it with
// the exact wx.qy.sendChatMessage arguments, and a picture from the phone goes
// wx.chooseMedia → wx.uploadFile (POST /api/media) → sendChatMessage without anyone typing an id.
'use strict';
const harness = require('./harness');

const { view, FLAVOURS } = harness;

afterEach(() => require('../../tools/runtime').disposeAll());

const sends = (rt) => rt.log.qy.filter((c) => c.api === 'sendChatMessage').map((c) => c.args);
const libraryIds = (rt) => view(rt).composer.library.flatMap((s) => s.items.map((i) => i.id));

describe.each(FLAVOURS)('on the %s client', (flavour) => {
  const launch = (scenario = {}) => harness.launch(Object.assign({ flavour }, scenario));

  test('a one-to-one chat: tap a file and a filled quick reply', async () => {
    const { rt } = await launch({ entry: 'single_chat_tools' });
    await rt.tap('#compose');
    expect(libraryIds(rt)).toEqual(['mat_greet', 'mat_intro', 'mat_quote', 'mat_site', 'mat_shop', 'mat_poster', 'mat_demo', 'mat_price']);
    await rt.tap('.material[data-arg="mat_quote"]');
    await rt.tap('.msg-type[data-arg="image"]');
    expect(rt.text()).toContain('价目表 2026.pdf');
    await rt.tap('.material[data-arg="mat_price"]');
    expect(sends(rt)).toEqual([
      { msgtype: 'text', enterChat: false, text: { content: '陈晓明，报价单已发您邮箱，请查收。' } },
      { msgtype: 'file', enterChat: false, file: { mediaid: 'MEDIA_PRICE_1' } },
    ]);
    expect(view(rt).composer.lastResult.sent).toBe(true);
    expect(rt.errors).toEqual([]);
  });

  test('a picture from the phone, uploaded and sent', async () => {
    const { rt, backend } = await launch({ entry: 'single_chat_tools' });
    await rt.tap('#compose');
    await rt.tap('.msg-type[data-arg="image"]');
    expect(rt.dom().querySelector('#input-composer-imageMediaid')).toBeNull();
    await rt.tap('#pick-picture');
    const upload = backend.requests.find((r) => r.path === '/api/media');
    expect(upload.idempotencyKey).toMatch(/^pic-/);
    expect(upload.body.upload).toEqual({ filePath: 'wxfile://tmp_photo_0001.jpg', name: 'media' });
    expect(sends(rt)).toEqual([{ msgtype: 'image', enterChat: false, image: { mediaid: 'MEDIA_PHONE_1' } }]);
    expect(rt.errors).toEqual([]);
  });

  test('a group chat: group materials, nothing that names a customer', async () => {
    const { rt } = await launch({ entry: 'group_chat_tools' });
    const ids = libraryIds(rt);
    expect(ids).toContain('mat_welcome');
    expect(ids).not.toContain('mat_greet');
    expect(ids).not.toContain('mat_quote');
    expect(rt.text()).not.toContain('{name}');
    expect(rt.text()).not.toContain('缺少：客户名称');
    expect(rt.errors).toEqual([]);
  });
});

/** @jest-environment jsdom */
// The customer-card journeys on the built mini program in the headless
// WeCom runtime: what is rendered and what is stored, through real taps and
// typing on the real pages.
'use strict';
const harness = require('./harness');

const { view, data, FLAVOURS } = harness;

afterEach(() => require('../../tools/runtime').disposeAll());

const DRAFT_KEY = `wcc:draft:${data.WECHAT_ID}`;

function stored(rt, key) {
  const v = rt.device.storage.get(key);
  return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

describe.each(FLAVOURS)('on the %s client', (flavour) => {
  const launch = (scenario = {}, options) => harness.launch(Object.assign({ flavour }, scenario), options);

  test('edit the remark, hide, kill, relaunch: the draft is back', async () => {
    const { rt } = await launch({});
    await rt.tap('#edit');
    await rt.input('#input-remark', '陈总（老客户）');
    expect(JSON.parse(stored(rt, DRAFT_KEY)).values.remark).toBe('陈总（老客户）');
    await rt.hide();
    const rt2 = await rt.kill();
    await rt2.launch();
    const v = view(rt2);
    expect(v.route).toBe('card');
    expect(v.form.values.remark).toBe('陈总（老客户）');
    expect(rt2.attr('#input-remark', 'value')).toBe('陈总（老客户）');
    expect(rt2.text()).toContain('已恢复未保存的修改');
    expect(rt2.errors).toEqual([]);
  });

  test('save while offline, go online: exactly one request reaches the backend', async () => {
    const { rt, backend } = await launch({});
    await rt.tap('#edit');
    await rt.input('#input-remark', '王总');
    rt.setNetwork(false);
    await rt.settle();
    await rt.tap('#save');
    // Optimistic: shown at once, kept in the persisted outbox.
    expect(view(rt).card.mine.remark).toBe('王总');
    expect(rt.text()).toContain('王总');
    expect(stored(rt, 'wcc:outbox')).toContain('王总');
    expect(backend.writes).toHaveLength(0);

    rt.setNetwork(true);
    await rt.settle();
    const remarkCalls = backend.requests.filter((r) => r.path.endsWith('/remark'));
    expect(remarkCalls).toHaveLength(1);
    expect(backend.writes).toHaveLength(1);
    expect(backend.writes[0].body.remark).toBe('王总');
    expect(view(rt).card.mine.remark).toBe('王总');
    expect(stored(rt, 'wcc:outbox')).toBeUndefined();
    expect(rt.errors).toEqual([]);
  });

  test('a server rejection rolls the field back with a message', async () => {
    const { rt, backend } = await launch({});
    backend.mode.rejectRemark = { errcode: 40058, errmsg: 'invalid remark' };
    await rt.tap('#edit');
    await rt.input('#input-remark', '不被接受的备注');
    await rt.tap('#save');
    const v = view(rt);
    expect(v.card.mine.remark).toBe('陈先生');
    expect(v.formMessage).toContain('40058');
    expect(v.form.values.remark).toBe('不被接受的备注');
    // the page is Chinese: the errcode in words, never WeCom's English errmsg
    expect(rt.text()).toContain('企业微信返回错误（代码 40058）');
    expect(rt.text()).not.toContain('invalid remark');
    expect(backend.writes).toHaveLength(0);
    expect(rt.errors).toEqual([]);
  });

  test('too-long input shows the field error and sends nothing', async () => {
    const { rt, backend } = await launch({});
    await rt.tap('#edit');
    await rt.input('#input-remark', '一二三四五六七八九十一二三四五六七八九十一');
    const v = view(rt);
    expect(v.form.canSave).toBe(false);
    expect(rt.text()).toContain('21');
    const errors = rt.dom().querySelectorAll('.field-error');
    expect(errors.length).toBeGreaterThan(0);
    await rt.tap('#save');
    expect(backend.requests.filter((r) => r.method === 'POST' && r.path !== '/api/session')).toHaveLength(0);
    expect(rt.errors).toEqual([]);
  });

  test('a WeCom customer shows the external profile and no company field', async () => {
    const { rt } = await launch({ externalUserId: data.WECOM_ID });
    const v = view(rt);
    expect(v.card.customer.kind).toBe('wecom');
    expect(v.card.attrs).toHaveLength(3);
    expect(rt.text()).toContain('远航');
    await rt.tap('#edit');
    expect(view(rt).form.remarkCompanyAllowed).toBe(false);
    expect(rt.dom().querySelector('#input-remarkCompany')).toBeNull();
  });

  test('the tag picker link reads + 打标签 while closed and 收起标签 while open, on the real page', async () => {
    const { rt } = await launch({});
    const label = () => rt.dom().querySelector('#tag-picker-toggle').textContent.trim();
    expect(view(rt).tagPicker).toBeNull();
    expect(label()).toBe('+ 打标签');
    expect(rt.dom().querySelectorAll('.tag-option')).toHaveLength(0);
    await rt.tap('#tag-picker-toggle');
    expect(label()).toBe('收起标签');
    expect(rt.dom().querySelectorAll('.tag-option').length).toBeGreaterThan(0);
    await rt.tap('#tag-picker-toggle');
    expect(label()).toBe('+ 打标签');
    expect(rt.dom().querySelectorAll('.tag-option')).toHaveLength(0);
    expect(rt.errors).toEqual([]);
  });

  test('tags are added from the corp tag picker and saved with mark_tag', async () => {
    const { rt, backend } = await launch({});
    await rt.tap('#tag-picker-toggle');
    const options = rt.dom().querySelectorAll('.tag-option');
    expect(options.length).toBe(5); // A/B/C levels + 2 live intent tags (the deleted one is skipped)
    const b = Array.from(options).find((el) => el.textContent.trim() === 'B 级');
    expect(b).toBeTruthy();
    await rt.tap('.tag-option:not(.tag-selected)');
    const writes = backend.writes.filter((w) => w.path.endsWith('/mark-tag'));
    expect(writes).toHaveLength(1);
    expect(writes[0].body.add_tag).toHaveLength(1);
    expect(rt.errors).toEqual([]);
  });
});

/** @jest-environment jsdom */
'use strict';
// The composer panel.
// Rendered with the core's real view models (./views, rendered by tests/page_views.rs). Snapshots
// pin the markup; behaviour tests check the events the component emits.

const { views, simulate, quietWxKeyWarnings, copy, render, undefinedPaths, text, attr, tap, type } = require('./helpers');

quietWxKeyWarnings();

describe('snapshots with the core views', () => {
  test('composer', () => {
    const v = views.compose;
    const { comp } = render('composer-panel', { composer: v.composer, quickReplies: v.quickReplies, composeNote: v.composeNote });
    expect(comp.toJSON()).toMatchSnapshot();
  });
});

describe('composer', () => {
  const props = (v) => ({ composer: v.composer, quickReplies: v.quickReplies, composeNote: v.composeNote });

  test('#send disabled when !canSend emits nothing; enabled emits send', async () => {
    const off = render('composer-panel', props(views.compose));
    expect(attr(off.comp.querySelector('#send'), 'disabled')).toBe(true);
    await tap(off.comp.querySelector('#send'));
    expect(off.events).toEqual([]);

    const v = copy(views.compose);
    v.composer.canSend = true;
    const on = render('composer-panel', props(v));
    expect(attr(on.comp.querySelector('#send'), 'disabled')).toBe(false);
    await tap(on.comp.querySelector('#send'));
    expect(on.events).toEqual([{ type: 'action', detail: { action: 'send', arg: null } }]);
  });

  test('fields come from composer.fields and type as composer.<key>', async () => {
    const v = copy(views.compose);
    v.composer.msgType = 'news';
    v.composer.fields = [
      { count: null, error: null, key: 'newsLink', label: 'Link', overLimit: false, required: true, value: '' },
      { count: '3/128', error: { code: 'required', field: 'newsTitle', message: 'Enter a title' }, key: 'newsTitle', label: 'Title', overLimit: false, required: true, value: 'abc' },
    ];
    const { comp, events } = render('composer-panel', props(v));
    expect(comp.querySelectorAll('.composer-field')).toHaveLength(2);
    expect(text(comp.querySelector('.composer-field .field-error'))).toBe('Enter a title');
    expect(comp.dom.textContent).toContain('3/128');
    await type(comp.querySelector('#input-composer-newsLink'), 'https://example.com');
    await type(comp.querySelector('#input-composer-newsTitle'), 'T');
    expect(events.map((e) => e.detail)).toEqual([
      { field: 'composer.newsLink', value: 'https://example.com', index: null },
      { field: 'composer.newsTitle', value: 'T', index: null },
    ]);
  });

  test('the text field is a textarea and types as composer.text', async () => {
    const { comp, events } = render('composer-panel', props(views.compose));
    const input = comp.querySelector('#input-composer-text');
    expect(input.dom.tagName.toLowerCase()).toBe('wx-textarea');
    expect(comp.dom.textContent).toContain('0/4000');
    await type(input, 'hello');
    expect(events).toEqual([{ type: 'change', detail: { field: 'composer.text', value: 'hello', index: null } }]);
  });

  test('msgType tabs, the enter-chat switch, quick replies and dismissResult', async () => {
    const v = copy(views.compose);
    v.composer.lastResult = { code: 'sent', sent: true, message: 'Sent' };
    v.composeNote = 'A note';
    const { comp, events } = render('composer-panel', props(v));
    const tabs = comp.querySelectorAll('.msg-type');
    expect(tabs.map(text)).toEqual(['Text', 'Link card', 'Mini program', 'Image']);
    await tap(tabs[1]);
    comp.querySelector('#enter-chat').dispatchEvent('change', { detail: { value: true } });
    await simulate.sleep(0);
    const replies = comp.querySelectorAll('.quick-reply');
    // The attachment bar names no customer: no reply that needs one.
    expect(replies).toHaveLength(1);
    expect(text(replies[0])).toContain('Introduction');
    expect(text(replies[0])).toContain('Hello, this is 张三.');
    expect(comp.dom.textContent).not.toContain('{name}');
    expect(comp.dom.textContent).not.toContain('Missing: customer name');
    await tap(replies[0]);
    await tap(comp.querySelector('.result-close'));
    expect(text(comp.querySelector('.compose-note'))).toBe('A note');
    expect(events.map((e) => e.detail)).toEqual([
      { action: 'msgType', arg: 'news' },
      { action: 'enterChat', arg: null },
      { action: 'quickReply', arg: 'intro' },
      { action: 'dismissResult', arg: null },
    ]);
    expect(undefinedPaths(events)).toEqual([]);
  });

  test('no enter-chat switch when not offered; no hint for a ready quick reply', () => {
    const v = copy(views.compose);
    v.composer.enterChatOffered = false;
    v.quickReplies = [{ hint: null, id: 'greeting', missing: [], ready: true, text: 'Hi 陈晓明', title: 'Greeting', unknown: [] }];
    const { comp } = render('composer-panel', props(v));
    expect(comp.querySelector('#enter-chat')).toBeUndefined();
    expect(comp.querySelector('.quick-reply-hint')).toBeUndefined();
  });

  test('a quick reply that is not ready shows its hint', () => {
    const v = copy(views.compose);
    v.quickReplies = [{ hint: 'Missing: customer name', id: 'greeting', missing: ['name'], ready: false, text: 'Hi {name}', title: 'Greeting', unknown: [] }];
    const { comp } = render('composer-panel', props(v));
    expect(text(comp.querySelector('.quick-reply-hint'))).toBe('Missing: customer name');
  });
});

describe('the materials library', () => {
  const props = (v) => ({ composer: v.composer, quickReplies: v.quickReplies, composeNote: v.composeNote });
  const library = [
    { key: 'text:Openers', tab: 'text', title: 'Openers (1)', items: [
      { id: 'mat_intro', kind: 'text', title: 'Intro', preview: 'Hello, this is 张三', ready: true, hint: null }] },
    { key: 'image', tab: 'image', title: 'Images (2)', items: [
      { id: 'mat_poster', kind: 'image', title: 'Poster', preview: 'poster.jpg · 200 KB', ready: true, hint: null },
      { id: 'mat_old', kind: 'image', title: 'Old poster', preview: 'old.jpg · 10 KB', ready: false, hint: 'Cannot be sent right now' }] },
    { key: 'file', tab: 'image', title: 'Files (1)', items: [
      { id: 'mat_price', kind: 'file', title: 'Prices', preview: 'prices.pdf · 50 KB', ready: true, hint: null }] },
  ];

  test('each section shows under its tab, and a tap sends one', async () => {
    const v = copy(views.compose);
    v.composer.library = library;
    const onText = render('composer-panel', props(v));
    expect(onText.comp.querySelectorAll('.library-section-title').map(text)).toEqual(['Openers (1)']);
    await tap(onText.comp.querySelector('.material'));
    expect(onText.events.map((e) => e.detail)).toEqual([{ action: 'sendMaterial', arg: 'mat_intro' }]);

    v.composer.msgType = 'image';
    v.composer.fields = [];
    v.composer.sendOffered = false;
    const onImage = render('composer-panel', props(v));
    expect(onImage.comp.querySelectorAll('.library-section-title').map(text)).toEqual(['Images (2)', 'Files (1)']);
    expect(onImage.comp.querySelector('#send')).toBeUndefined();
    expect(onImage.comp.querySelectorAll('input')).toHaveLength(0);
    const items = onImage.comp.querySelectorAll('.material');
    expect(text(items[1])).toContain('Cannot be sent right now');
    await tap(items[1]);
    await tap(items[2]);
    expect(onImage.events.map((e) => e.detail)).toEqual([{ action: 'sendMaterial', arg: 'mat_price' }]);
    expect(undefinedPaths(onImage.events)).toEqual([]);
  });

  test('从手机选择图片 on the image tab; busy while uploading', async () => {
    const v = copy(views.compose);
    v.composer.msgType = 'image';
    v.composer.fields = [];
    v.composer.canPickPicture = true;
    const { comp, events } = render('composer-panel', props(v));
    const pick = comp.querySelector('#pick-picture');
    expect(text(pick)).toBe(v.composer.labels.pickPicture);
    await tap(pick);
    await tap(comp.querySelector('#refresh-materials'));
    expect(events.map((e) => e.detail)).toEqual([
      { action: 'pickPicture', arg: null },
      { action: 'refreshMaterials', arg: null },
    ]);
    v.composer.canPickPicture = false;
    v.composer.pictureBusy = true;
    const busy = render('composer-panel', props(v));
    expect(text(busy.comp.querySelector('#pick-picture'))).toBe(v.composer.labels.uploading);
    await tap(busy.comp.querySelector('#pick-picture'));
    expect(busy.events).toEqual([]);
  });

  test('every fixed label comes from composer.labels', () => {
    const v = copy(views.compose);
    for (const k of Object.keys(v.composer.labels)) v.composer.labels[k] = `L:${k}`;
    v.composer.library = []; // the fixture's materials are Chinese data, not labels
    v.composer.enterChatOffered = true;
    // Replies sign with the member's name (张三): data, not labels.
    v.quickReplies = v.quickReplies.map((r) => Object.assign({}, r, { text: r.text.replace(/张三/g, 'Zhang San') }));
    const { comp } = render('composer-panel', Object.assign(props(v), { canBackToCard: true }));
    const t = comp.dom.textContent;
    for (const k of ['backToCard', 'enterChat', 'send', 'quickReplies', 'library', 'refresh', 'tapToSend']) {
      expect(t).toContain(`L:${k}`);
    }
    expect(t).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

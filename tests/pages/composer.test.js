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
    expect(replies).toHaveLength(5);
    expect(text(replies[0])).toContain('Greeting');
    expect(text(replies[0])).toContain('Hi {name}, this is 张三.');
    expect(text(replies[0])).toContain('Missing: customer name');
    await tap(replies[3]);
    await tap(comp.querySelector('.result-close'));
    expect(text(comp.querySelector('.compose-note'))).toBe('A note');
    expect(events.map((e) => e.detail)).toEqual([
      { action: 'msgType', arg: 'news' },
      { action: 'enterChat', arg: null },
      { action: 'quickReply', arg: 'thanks' },
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
});

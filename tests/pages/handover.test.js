/** @jest-environment jsdom */
'use strict';
// The hand-over view, rendered with the core's real view model (./views/handover.json, from
// tests/page_views.rs: a resigned rep's three customers handed to lisi, one refused): it shows
// the core's words and only forwards taps and typing.

const { quietWxKeyWarnings, copy, render, text, tap, type } = require('./helpers');

quietWxKeyWarnings();

const view = require('./views/handover.json');

test('the transfer in words, the refused one first', () => {
  const { comp } = render('handover-view', { handover: copy(view.handover) });
  expect(text(comp.querySelector('.handover-summary'))).toBe('2 Handed over · 1 The customer refused the hand-over');
  expect(text(comp.querySelector('.handover-item-id'))).toBe('wmHandover0000000000000000000001');
  expect(text(comp.querySelector('.handover-item-words'))).toBe('The customer refused the hand-over (the customer declined within the 24 hours)');
  expect(text(comp.querySelector('.handover-who'))).toBe('ex_zhou → lisi');
  expect(text(comp.querySelector('.handover-selected'))).toBe('0 of 3 selected');
  expect(comp.querySelector('#input-handover-message')).toBeUndefined();
});

test('taps and typing go out as the core\'s actions and fields', async () => {
  const { comp, events } = render('handover-view', { handover: copy(view.handover) });
  await tap(comp.querySelector('#handover-select-all'));
  await tap(comp.querySelector('.handover-customer'));
  await type(comp.querySelector('#input-handover-taker'), 'wangwu');
  await tap(comp.querySelector('#handover-submit'));
  await tap(comp.querySelectorAll('.handover-kind')[1]);
  await tap(comp.querySelector('#handover-refresh'));
  expect(events).toEqual([
    { type: 'action', detail: { action: 'handoverSelectAll', arg: null } },
    { type: 'action', detail: { action: 'handoverToggle', arg: 'wmHandover0000000000000000000000' } },
    { type: 'change', detail: { field: 'handover.taker', value: 'wangwu', index: null } },
    { type: 'action', detail: { action: 'handoverSubmit', arg: null } },
    { type: 'action', detail: { action: 'handoverKind', arg: 'onjob' } },
    { type: 'action', detail: { action: 'handoverRefresh', arg: null } },
  ]);
});

test('on-job: the message box with its count, and a blocked customer cannot be tapped', async () => {
  const v = copy(view.handover);
  v.kind = 'onjob';
  v.canMessage = true;
  v.messageCount = '200/200';
  v.messageNote = 'At most 200 characters; the rest was cut';
  v.customers[0].blocked = 'The member left over a year ago: cannot move';
  const { comp, events } = render('handover-view', { handover: v });
  expect(text(comp.querySelector('.handover-count'))).toBe('200/200');
  expect(text(comp.querySelector('.handover-note'))).toBe('At most 200 characters; the rest was cut');
  await tap(comp.querySelector('.handover-customer'));
  expect(events).toEqual([]);
  await type(comp.querySelector('#input-handover-message'), '您好');
  expect(events).toEqual([{ type: 'change', detail: { field: 'handover.message', value: '您好', index: null } }]);
});

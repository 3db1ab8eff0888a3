/** @jest-environment jsdom */
'use strict';
// The edit form of my follow-up.
// Rendered with the core's real view models (./views, rendered by tests/page_views.rs). Snapshots
// pin the markup; behaviour tests check the events the component emits.

const { views, quietWxKeyWarnings, copy, render, undefinedPaths, text, attr, tap, type } = require('./helpers');

quietWxKeyWarnings();

describe('snapshots with the core views', () => {
  test('edit form with a too-long remark', () => {
    const { comp } = render('edit-form', { form: views.card.form, formMessage: views.card.formMessage });
    expect(comp.toJSON()).toMatchSnapshot();
  });
});

describe('edit form', () => {
  const props = (form, formMessage) => ({ form, formMessage: formMessage === undefined ? null : formMessage });

  test('typing in #input-remark emits change {field: remark, value, index: null}', async () => {
    const { comp, events } = render('edit-form', props(views.card.form));
    await type(comp.querySelector('#input-remark'), '陈先生 VIP');
    expect(events).toEqual([{ type: 'change', detail: { field: 'remark', value: '陈先生 VIP', index: null } }]);
  });

  test('description and remarkCompany inputs emit their field names', async () => {
    const { comp, events } = render('edit-form', props(views.card.form));
    await type(comp.querySelector('#input-description'), 'd');
    await type(comp.querySelector('#input-remarkCompany'), 'c');
    expect(events.map((e) => e.detail)).toEqual([
      { field: 'description', value: 'd', index: null },
      { field: 'remarkCompany', value: 'c', index: null },
    ]);
  });

  test('a mobile row input emits its index; its remove button taps removeMobile with the index', async () => {
    const form = copy(views.card.form);
    form.values.mobiles = ['13800138000', '13900139000'];
    const { comp, events } = render('edit-form', props(form));
    const rows = comp.querySelectorAll('.mobile-input');
    expect(rows).toHaveLength(2);
    await type(rows[1], '139');
    await type(rows[0], '138');
    await tap(comp.querySelectorAll('.mobile-remove')[1]);
    await tap(comp.querySelector('#add-mobile'));
    expect(events.map((e) => e.detail)).toEqual([
      { field: 'mobile', value: '139', index: 1 },
      { field: 'mobile', value: '138', index: 0 },
      { action: 'removeMobile', arg: 1 },
      { action: 'addMobile', arg: null },
    ]);
    expect(typeof events[0].detail.index).toBe('number');
    expect(undefinedPaths(events)).toEqual([]);
  });

  test('the error text appears right below the remark field, with its counter', () => {
    const { comp } = render('edit-form', props(views.card.form));
    const errors = comp.querySelectorAll('.field-error');
    expect(errors).toHaveLength(1);
    expect(text(errors[0])).toBe('Remark can have at most 20 characters; it has 26');
    // the error is the next element after the remark input, inside the remark field
    const remarkInput = comp.querySelector('#input-remark').dom;
    const field = remarkInput.parentNode;
    expect(field.textContent).toContain('26/20');
    expect(field.textContent).toContain('Remark can have at most 20 characters');
    let next = remarkInput.nextElementSibling;
    while (next && !/field-error/.test(next.className)) next = next.nextElementSibling;
    expect(next).not.toBeNull();
    // and not next to the other fields
    const descField = comp.querySelector('#input-description').dom.parentNode;
    expect(descField.textContent).not.toContain('Remark can have at most');
    expect(text(comp.querySelector('.counter-over'))).toBe('26/20');
  });

  test('a mobile error shows under its own row', () => {
    const form = copy(views.card.form);
    form.values.mobiles = ['13800138000', 'abc'];
    form.errors = [{ code: 'mobile_bad_format', field: 'mobiles', index: 1, message: 'Bad number “abc”' }];
    const { comp } = render('edit-form', props(form));
    const rows = comp.querySelectorAll('.mobile-row');
    expect(text(rows[0])).not.toContain('Bad number');
    expect(text(rows[1])).toContain('Bad number “abc”');
  });

  test('remarkCompany input absent when not allowed', () => {
    const form = copy(views.card.form);
    form.remarkCompanyAllowed = false;
    const { comp } = render('edit-form', props(form));
    expect(comp.querySelector('#input-remarkCompany')).toBeUndefined();
    expect(comp.querySelector('#input-remark')).toBeDefined();
  });

  test('no add button when canAddMobile is false', () => {
    const form = copy(views.card.form);
    form.canAddMobile = false;
    const { comp } = render('edit-form', props(form));
    expect(comp.querySelector('#add-mobile')).toBeUndefined();
  });

  test('#save is disabled when !canSave and then emits nothing; cancel still works', async () => {
    const { comp, events } = render('edit-form', props(views.card.form));
    const save = comp.querySelector('#save');
    expect(attr(save, 'disabled')).toBe(true);
    await tap(save);
    expect(events).toEqual([]);
    await tap(comp.querySelector('#cancel'));
    expect(events).toEqual([{ type: 'action', detail: { action: 'cancelEdit', arg: null } }]);
  });

  test('tapping #save when canSave emits action save', async () => {
    const form = copy(views.card.form);
    form.canSave = true;
    form.errors = [];
    const { comp, events } = render('edit-form', props(form));
    expect(attr(comp.querySelector('#save'), 'disabled')).toBe(false);
    await tap(comp.querySelector('#save'));
    expect(events).toEqual([{ type: 'action', detail: { action: 'save', arg: null } }]);
  });

  test('formMessage shows above the buttons', () => {
    const { comp } = render('edit-form', props(views.card.form, 'Fix the fields marked in red first'));
    const msg = comp.querySelector('.form-message').dom;
    expect(msg.textContent).toBe('Fix the fields marked in red first');
    const buttons = comp.querySelector('#save').dom;
    // DOCUMENT_POSITION_FOLLOWING = 4: the buttons come after the message
    expect(msg.compareDocumentPosition(buttons) & 4).toBe(4);
  });
});

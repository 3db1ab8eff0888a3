/** @jest-environment jsdom */
'use strict';
// The customer card, and the edit form it embeds while editing.
// Rendered with the core's real view models (./views, rendered by tests/page_views.rs). Snapshots
// pin the markup; behaviour tests check the events the component emits.

const { views, quietWxKeyWarnings, copy, render, undefinedPaths, text, attr, tap, type } = require('./helpers');

quietWxKeyWarnings();

function cardProps(view, withForm) {
  return {
    card: view.card,
    form: withForm ? view.form : null,
    formMessage: withForm ? view.formMessage : null,
    pendingSaves: view.pendingSaves,
    pendingSavesLabel: view.pendingSavesLabel,
    tagPicker: view.tagPicker,
    tagPickerLabel: view.tagPickerLabel,
  };
}

/** The edit-form rendered inside a customer-card. */
function innerForm(card) {
  const form = card.querySelector('#edit-form');
  if (!form) throw new Error('edit-form not rendered');
  return form;
}

describe('snapshots with the core views', () => {
  test('customer card', () => {
    const { comp } = render('customer-card', cardProps(views.card, false));
    expect(comp.toJSON()).toMatchSnapshot();
  });
});

describe('customer card', () => {
  test('a customer picture loads lazily, and its initial stands in when it fails', async () => {
    const view = copy(views.card);
    view.card.customer.avatar = 'http://127.0.0.1:5178/__sim/avatars/chen.svg';
    const { comp } = render('customer-card', cardProps(view, false));
    const img = comp.querySelector('.customer-avatar');
    expect(img).toBeDefined();
    expect(comp.querySelector('.avatar-initial')).toBeUndefined();
    img.dispatchEvent('error');
    await new Promise((r) => setTimeout(r, 0));
    expect(comp.querySelector('.customer-avatar')).toBeUndefined();
    expect(text(comp.querySelector('.avatar-initial'))).toBe('陈');
  });

  test('without a picture the initial is shown, computed by the core', () => {
    const { comp } = render('customer-card', cardProps(views.card, false));
    expect(comp.querySelector('.customer-avatar')).toBeUndefined();
    expect(text(comp.querySelector('.avatar-initial'))).toBe(views.card.card.customer.initial);
  });

  test('shows the header, my follow-up first, then colleagues and the follower count', () => {
    const { comp } = render('customer-card', cardProps(views.card, false));
    expect(text(comp.querySelector('.customer-name'))).toBe('陈晓明');
    const mine = comp.querySelector('.mine');
    expect(text(mine)).toContain('陈先生');
    expect(text(mine)).toContain('想了解企业版报价');
    expect(text(mine)).toContain('晓明科技');
    expect(text(mine)).toContain('13800138000');
    expect(text(mine)).toContain('A 级');
    expect(text(mine)).toContain('2023-11-15');
    expect(text(mine)).toContain('scanned a QR code');
    const colleagues = comp.querySelectorAll('.colleague');
    expect(colleagues).toHaveLength(1);
    // By name, with the initial beside it; the userid is no name.
    expect(text(comp.querySelector('.colleague-name'))).toBe('李四');
    expect(text(comp.querySelector('.colleague-person .person-initial'))).toBe('李');
    expect(comp.querySelector('.colleague-person .person-note')).toBeUndefined();
    expect(text(comp.querySelector('.mine-person .person-name'))).toBe('张三');
    expect(text(colleagues[0])).toContain('陈总');
    expect(text(colleagues[0])).toContain('shared business card');
    // mine comes before the colleagues in the document
    const all = comp.dom.textContent;
    expect(all.indexOf(views.card.card.labels.mineTitle)).toBeLessThan(all.indexOf(views.card.card.labels.colleaguesTitle));
    expect(all).toContain(views.card.card.followerLine);
    expect(views.card.card.followerLine).toBe('2 members follow this customer');
    expect(comp.querySelector('.not-mine')).toBeUndefined();
    expect(comp.querySelector('.pending')).toBeUndefined();
  });

  test('taps: edit, compose, openProfile, openChat, refresh, removeTag with args that are never undefined', async () => {
    const { comp, events } = render('customer-card', cardProps(views.card, false));
    await tap(comp.querySelector('#edit'));
    await tap(comp.querySelector('#compose'));
    await tap(comp.querySelector('#open-profile'));
    await tap(comp.querySelector('#open-chat'));
    await tap(comp.querySelector('#refresh'));
    await tap(comp.querySelector('.tag-remove'));
    expect(events).toEqual([
      { type: 'action', detail: { action: 'edit', arg: null } },
      { type: 'action', detail: { action: 'compose', arg: null } },
      { type: 'action', detail: { action: 'openProfile', arg: null } },
      { type: 'action', detail: { action: 'openChat', arg: null } },
      { type: 'action', detail: { action: 'refresh', arg: null } },
      { type: 'action', detail: { action: 'removeTag', arg: 'etLevelA0001' } },
    ]);
    expect(undefinedPaths(events)).toEqual([]);
  });

  test('a big card shows what the core sends, folded, with the core’s expander labels', async () => {
    // Folded, the core sends 2 of my 10 tag groups, 6 of each group's 300 tags and the first
    // three of 500 colleagues as a line of names, no records (tests/card_reading_flow.rs): the
    // card renders exactly those and offers the rest with the core's words.
    const v = copy(views.card);
    const tag = v.card.mine.tagGroups[0].tags[0];
    v.card.mine.tagGroups = [0, 1].map((g) => ({
      group: `组${g}`, total: 300, more: '全部 300 个', less: null,
      tags: Array.from({ length: 6 }, (_, i) => Object.assign({}, tag, { id: `etBig${g}${i}`, name: `标签${g}${i}` })),
    }));
    Object.assign(v.card.mine, { tagGroupsTotal: 10, tagGroupsMore: '全部 10 组标签', tagGroupsLess: null });
    v.card.colleagues = [];
    Object.assign(v.card, { colleaguesTotal: 500, colleagueNames: '李四、王五、赵六 等', colleaguesMore: '查看全部 500 位同事', colleaguesLess: null });
    const { comp, events } = render('customer-card', cardProps(v, false));
    expect(comp.querySelectorAll('.mine .tag-group')).toHaveLength(2);
    expect(comp.querySelectorAll('.mine .tag')).toHaveLength(12);
    expect(comp.querySelectorAll('.colleague')).toHaveLength(0);
    expect(text(comp.querySelector('.colleague-names'))).toBe('李四、王五、赵六 等');
    expect(text(comp.querySelector('.tags-more'))).toBe('全部 300 个');
    expect(text(comp.querySelector('#tag-groups-more'))).toBe('全部 10 组标签');
    expect(comp.querySelector('#tag-groups-less')).toBeUndefined();
    expect(text(comp.querySelector('#colleagues-more'))).toBe('查看全部 500 位同事');
    expect(comp.querySelector('#colleagues-less')).toBeUndefined();
    await tap(comp.querySelector('.tags-more'));
    await tap(comp.querySelector('#tag-groups-more'));
    await tap(comp.querySelector('#colleagues-more'));
    expect(events).toEqual([
      { type: 'action', detail: { action: 'expandTags', arg: '组0' } },
      { type: 'action', detail: { action: 'expandTagGroups', arg: null } },
      { type: 'action', detail: { action: 'expandColleagues', arg: null } },
    ]);
  });

  test('a big card expanded: every group of mine with its collapse link, every colleague’s record, no line of names', async () => {
    const v = copy(views.card);
    const tag = v.card.mine.tagGroups[0].tags[0];
    v.card.mine.tagGroups = Array.from({ length: 10 }, (_, g) => ({
      group: `组${g}`, total: 300, more: '全部 300 个', less: null,
      tags: Array.from({ length: 6 }, (_, i) => Object.assign({}, tag, { id: `etBig${g}${i}`, name: `标签${g}${i}` })),
    }));
    Object.assign(v.card.mine, { tagGroupsTotal: 10, tagGroupsMore: null, tagGroupsLess: '收起' });
    const colleague = v.card.colleagues[0];
    v.card.colleagues = Array.from({ length: 5 }, (_, i) => Object.assign({}, colleague, { userid: `c${i}` }));
    Object.assign(v.card, { colleaguesTotal: 5, colleagueNames: null, colleaguesMore: null, colleaguesLess: '收起' });
    const { comp, events } = render('customer-card', cardProps(v, false));
    expect(comp.querySelectorAll('.mine .tag-group')).toHaveLength(10);
    expect(comp.querySelectorAll('.colleague')).toHaveLength(5);
    expect(comp.querySelector('.colleague-names')).toBeUndefined();
    expect(comp.querySelector('#colleagues-more')).toBeUndefined();
    expect(comp.querySelector('#tag-groups-more')).toBeUndefined();
    await tap(comp.querySelector('#tag-groups-less'));
    await tap(comp.querySelector('#colleagues-less'));
    expect(events).toEqual([
      { type: 'action', detail: { action: 'collapseTagGroups', arg: null } },
      { type: 'action', detail: { action: 'collapseColleagues', arg: null } },
    ]);
  });

  test('a removed tag offers undo in the core’s words; phones and attributes tap', async () => {
    const v = copy(views.card);
    v.card.mine.tagGroups[0].tags[0].removing = true;
    v.card.attrs = [{ kind: 'text', name: '会员号', value: 'A-1024', url: null, title: null, appid: null, pagepath: null }];
    const { comp, events } = render('customer-card', cardProps(v, false));
    expect(comp.querySelector('.tag-remove')).toBeUndefined();
    expect(text(comp.querySelector('.tag-undo'))).toBe(v.card.labels.removedUndo);
    expect(comp.querySelector('.tag-removing')).toBeDefined();
    // what a tap does, in the core's words: heard on a phone or an attribute, read under the attributes
    expect(attr(comp.querySelector('.mine .phone'), 'ariaLabel')).toBe(v.card.labels.tapToCall);
    expect(attr(comp.querySelector('.attr'), 'ariaLabel')).toBe(v.card.labels.tapToCopy);
    expect(text(comp.querySelector('.attrs .tap-hint'))).toBe(v.card.labels.tapToCopy);
    await tap(comp.querySelector('.tag-undo'));
    await tap(comp.querySelector('.mine .phone'));
    await tap(comp.querySelector('.attr'));
    expect(events).toEqual([
      { type: 'action', detail: { action: 'undoRemoveTag', arg: 'etLevelA0001' } },
      { type: 'action', detail: { action: 'callPhone', arg: 'zhangsan/0' } },
      { type: 'action', detail: { action: 'copyAttr', arg: 0 } },
    ]);
  });

  test('the tag picker link is the core’s label, and a closed picker ([] as the client passes null) shows no options', () => {
    const closed = Object.assign(cardProps(views.card, false), { tagPicker: [], tagPickerLabel: '+ 打标签' });
    let { comp } = render('customer-card', closed);
    expect(text(comp.querySelector('#tag-picker-toggle'))).toBe('+ 打标签');
    expect(comp.querySelector('.tag-picker')).toBeUndefined();
    const open = Object.assign(cardProps(views.card, false), {
      tagPicker: [{ group: '客户等级', tags: [{ id: 'etLevelB0001', name: 'B 级', selected: false }] }],
      tagPickerLabel: '收起标签',
    });
    ({ comp } = render('customer-card', open));
    expect(text(comp.querySelector('#tag-picker-toggle'))).toBe('收起标签');
    expect(comp.querySelectorAll('.tag-option')).toHaveLength(1);
  });

  test('colleagues’ tags cannot be removed', () => {
    const v = copy(views.card);
    v.card.colleagues[0].tagGroups = [{ group: 'G', tags: [{ id: 'etOther0001', kind: 'corp', name: 'T' }] }];
    const { comp } = render('customer-card', cardProps(v, false));
    expect(comp.querySelectorAll('.colleague .tag')).toHaveLength(1);
    expect(comp.querySelectorAll('.tag-remove')).toHaveLength(1); // only mine
  });

  test('not my customer and pending saves show a line each', () => {
    const v = copy(views.card);
    v.card.mine = null;
    v.card.notMyCustomer = true;
    v.pendingSaves = 2;
    v.pendingSavesLabel = '2 changes waiting to reach WeCom';
    const { comp } = render('customer-card', cardProps(v, false));
    expect(comp.querySelector('.mine')).toBeUndefined();
    expect(comp.querySelector('#edit')).toBeUndefined();
    expect(text(comp.querySelector('.not-mine'))).toBe(v.card.labels.notMine);
    expect(text(comp.querySelector('.not-mine'))).toContain('You do not follow this customer');
    expect(text(comp.querySelector('.pending'))).toBe('2 changes waiting to reach WeCom');
  });

  test('while editing, the form replaces my follow-up and its events come out of the card', async () => {
    const { comp, events } = render('customer-card', cardProps(views.card, true));
    expect(comp.querySelector('#edit')).toBeUndefined();
    const form = innerForm(comp);
    await type(form.querySelector('#input-remark'), '陈先生');
    await tap(form.querySelector('#cancel'));
    expect(events).toEqual([
      { type: 'change', detail: { field: 'remark', value: '陈先生', index: null } },
      { type: 'action', detail: { action: 'cancelEdit', arg: null } },
    ]);
  });
});

/** @jest-environment jsdom */
'use strict';
// The notice panel, home view, banner bar and group view.
// Rendered with the core's real view models (./views, rendered by tests/page_views.rs). Snapshots
// pin the markup; behaviour tests check the events the component emits.

const { views, quietWxKeyWarnings, copy, render, text, tap, attr } = require('./helpers');

quietWxKeyWarnings();

describe('snapshots with the core views', () => {
  test('group', () => {
    const { comp } = render('group-view', { group: views.group.group });
    expect(comp.toJSON()).toMatchSnapshot();
  });

  test('home', () => {
    const v = views.home;
    const { comp } = render('home-view', { canPickCustomer: v.canPickCustomer, intro: v.homeIntro, labels: v.labels.home });
    expect(comp.toJSON()).toMatchSnapshot();
  });

  test('notice', () => {
    const { comp } = render('notice-panel', { notice: views.notice.notice, labels: views.notice.labels.notice });
    expect(comp.toJSON()).toMatchSnapshot();
  });

  test('banner', () => {
    const { comp } = render('banner-bar', { text: views.loading.banner, labels: views.loading.labels.banner });
    expect(comp.toJSON()).toMatchSnapshot();
  });
});

describe('notice, home, banner, group', () => {
  test('notice: title, message, no guidance or retry unless given', async () => {
    const plain = render('notice-panel', { notice: views.notice.notice });
    expect(text(plain.comp.querySelector('#notice-title'))).toBe('Open this on your phone');
    expect(text(plain.comp.querySelector('#notice-message'))).toBe('open this on your phone: devtools cannot read the current customer');
    expect(plain.comp.querySelector('#notice-guidance')).toBeUndefined();
    expect(plain.comp.querySelector('#retry')).toBeUndefined();

    const n = copy(views.notice.notice);
    n.canRetry = true;
    n.guidance = 'Check the network';
    const retry = render('notice-panel', { notice: n, labels: views.notice.labels.notice });
    expect(text(retry.comp.querySelector('#notice-guidance'))).toBe('Check the network');
    // the core's label, in the view's language (views.notice is English)
    expect(text(retry.comp.querySelector('#retry'))).toBe('Try again');
    await tap(retry.comp.querySelector('#retry'));
    expect(retry.events).toEqual([{ type: 'action', detail: { action: 'retry', arg: null } }]);
  });

  test('home: the pick-customer button taps pickCustomer; one intro line in the view’s language; no support line', async () => {
    const { comp, events } = render('home-view', { canPickCustomer: true, intro: views.home.homeIntro, labels: views.home.labels.home });
    // the button's label is the core's, in the view's language only
    expect(text(comp.querySelector('#pick-customer'))).toBe('Pick a customer');
    // views.home is the English core view: one line, no Chinese one beside it
    expect(text(comp.querySelector('.home-intro'))).toBe('Look up a customer, edit your notes and tags, and send messages to the chat.');
    expect(comp.querySelectorAll('.home-intro')).toHaveLength(1);
    // the raw support line lives on the engine/support page
    expect(comp.querySelector('.env')).toBeUndefined();
    expect(comp.dom.textContent).not.toContain('base library');
    await tap(comp.querySelector('#pick-customer'));
    expect(events).toEqual([{ type: 'action', detail: { action: 'pickCustomer', arg: null } }]);
    const off = render('home-view', { canPickCustomer: false, intro: '' });
    expect(off.comp.querySelector('#pick-customer')).toBeUndefined();
  });

  test('banner: dismiss taps dismissBanner; nothing rendered for null', async () => {
    const { comp, events } = render('banner-bar', { text: 'Offline', labels: views.loading.labels.banner });
    expect(attr(comp.querySelector('.banner-close'), 'ariaLabel')).toBe('Close');
    await tap(comp.querySelector('.banner-close'));
    expect(events).toEqual([{ type: 'action', detail: { action: 'dismissBanner', arg: null } }]);
    const none = render('banner-bar', { text: null });
    expect(none.comp.querySelector('.banner')).toBeUndefined();
  });

  test('group: name, owner, counts and both member lists', () => {
    const { comp } = render('group-view', { group: views.group.group });
    expect(text(comp.querySelector('.group-name'))).toBe('企业版客户交流群');
    expect(text(comp.querySelector('.group-owner'))).toBe('张三');
    expect(comp.querySelector('.group-notice')).toBeUndefined();
    expect(text(comp.querySelector('.internal-members'))).toContain('张三');
    expect(text(comp.querySelector('.internal-members'))).not.toContain('zhangsan');
    expect(text(comp.querySelector('.internal-members'))).toContain(views.group.group.labels.ownerBadge);
    expect(text(comp.querySelector('.internal-members .section-title'))).toBe('Colleagues (1)');
    expect(text(comp.querySelector('.external-members'))).toContain('陈晓明');
    expect(text(comp.querySelector('.external-members'))).toContain('Joined via group QR code');
    expect(comp.querySelectorAll('.member')).toHaveLength(2);
    expect(comp.querySelector('.admins-not-members')).toBeUndefined();
  });

  test('group: admins who are not members are shown, with the core’s label', () => {
    const group = copy(views.group.group);
    group.admins = ['zhangsan', 'wangwu'];
    group.adminsNotMembers = [{ userid: 'wangwu', name: '同事（未获取到姓名）', nameKnown: false, useridNote: 'wangwu', initial: 'W' }];
    group.adminsNotMembersLabel = '管理员（不在群内）';
    const { comp } = render('group-view', { group });
    const row = comp.querySelector('.admins-not-members');
    expect(text(row)).toContain('管理员（不在群内）');
    // In words, with the userid in small secondary text.
    expect(text(comp.querySelector('.group-admin .person-name'))).toBe('同事（未获取到姓名）');
    expect(text(comp.querySelector('.group-admin .person-note'))).toBe('wangwu');
    expect(comp.querySelectorAll('.group-admin')).toHaveLength(1);
  });

  test('group: an owner without a name shows words and the userid apart', () => {
    const group = copy(views.group.group);
    group.owner = { userid: 'zhangsan', name: '同事（未获取到姓名）', nameKnown: false, useridNote: 'zhangsan', initial: 'Z' };
    const { comp } = render('group-view', { group });
    expect(text(comp.querySelector('.group-owner .person-name'))).toBe('同事（未获取到姓名）');
    expect(text(comp.querySelector('.group-owner .person-note'))).toBe('zhangsan');
  });
});

/** @jest-environment jsdom */
'use strict';
// The page: its data is the core's view model; it renders by route with the
// components and sends every component event to getApp().host.dispatch as a
// 'tap' or 'input' event. getApp() is stubbed with a host that records what
// the page sends (the real host is tested elsewhere).

const fs = require('fs');
const path = require('path');
const { ROOT, views, simulate, quietWxKeyWarnings, copy, undefinedPaths, text, tap, type } = require('./helpers');

// The official WXML compiler warns about the key-less mobile rows (on purpose).
quietWxKeyWarnings();

/** A host like the shell's: attach() gives the page the whole view. */
function fakeHost(view) {
  const host = {
    page: null,
    events: [],
    attach(page) {
      host.page = page;
      page.setData(view);
    },
    detach(page) {
      if (host.page === page) host.page = null;
    },
    dispatch(event) {
      host.events.push(event);
    },
  };
  return host;
}

let pageId = null;
let host = null;
beforeAll(() => {
  // The page's data defaults are the built core's initial view.
  if (!fs.existsSync(path.join(ROOT, 'core/initial-view.js'))) {
    throw new Error('miniprogram/core/initial-view.js is missing: run `make build` before this test');
  }
  global.getApp = () => ({ host });
  pageId = simulate.load(path.join(ROOT, 'pages/index/index'), { rootPath: ROOT });
});
afterAll(() => {
  delete global.getApp;
});

/** Renders the page and runs onLoad (the simulator does not). */
function open(view) {
  host = fakeHost(copy(view));
  const page = simulate.render(pageId);
  page.attach(document.createElement('parent-wrapper'));
  page.instance.onLoad();
  return page;
}

/** Finds a node by selector inside the page, looking into nested components. */
function find(root, selector, inside) {
  let node = root;
  for (const sel of inside || []) {
    node = node.querySelector(sel);
    if (!node) return undefined;
  }
  return node.querySelector(selector);
}

/** The events sent to the host, without their timestamps (checked separately). */
function sent() {
  for (const e of host.events) expect(typeof e.now).toBe('number');
  expect(undefinedPaths(host.events)).toEqual([]);
  return host.events.map((e) => {
    const out = Object.assign({}, e);
    delete out.now;
    return out;
  });
}

describe('rendering by route', () => {
  test('loading: title, status and the banner', async () => {
    const page = open(views.loading);
    expect(text(page.querySelector('#title'))).toBe('Customer contact');
    expect(text(page.querySelector('.status'))).toBe('Signing in…');
    const banner = page.querySelector('#banner-bar');
    expect(text(find(page, '.banner', ['#banner-bar']))).toContain('Cannot reach the server');
    await tap(banner.querySelector('.banner-close'));
    expect(sent()).toEqual([{ type: 'tap', action: 'dismissBanner', arg: null }]);
  });

  test('notice: the notice panel, and no banner for a null banner', () => {
    const page = open(views.notice);
    expect(page.querySelector('#banner-bar')).toBeUndefined();
    expect(text(find(page, '#notice-title', ['#notice-panel']))).toBe('Open this on your phone');
    expect(find(page, '#retry', ['#notice-panel'])).toBeUndefined();
  });

  test('card: the customer card, and the edit form inside it', () => {
    const page = open(views.card);
    expect(text(page.querySelector('#title'))).toBe('Customer');
    expect(text(find(page, '.customer-name', ['#customer-card']))).toBe('陈晓明');
    const error = find(page, '.field-error', ['#customer-card', '#edit-form']);
    expect(text(error)).toBe('Remark can have at most 20 characters; it has 26');
    expect(page.querySelector('#composer-panel')).toBeUndefined();
  });

  test('group: group view with the composer below it', () => {
    const page = open(views.group);
    expect(text(find(page, '.group-name', ['#group-view']))).toBe('企业版客户交流群');
    expect(find(page, '#send', ['#composer-panel'])).toBeDefined();
    const all = page.dom.textContent;
    expect(all.indexOf('企业版客户交流群')).toBeLessThan(all.indexOf('Introduction'));
  });

  test('compose: only the composer', () => {
    const page = open(views.compose);
    expect(text(page.querySelector('#title'))).toBe('Send to chat');
    expect(page.querySelector('#group-view')).toBeUndefined();
    expect(find(page, '.quick-reply', ['#composer-panel'])).toBeDefined();
  });

  test('home: the pick-customer button', async () => {
    const page = open(views.home);
    await tap(find(page, '#pick-customer', ['#home-view']));
    expect(sent()).toEqual([{ type: 'tap', action: 'pickCustomer', arg: null }]);
  });

  test('before the first render: the built core\'s initial view (Core.initialView())', () => {
    host = fakeHost(null);
    host.attach = () => {}; // the core has not loaded yet
    const page = simulate.render(pageId);
    page.attach(document.createElement('parent-wrapper'));
    page.instance.onLoad();
    const { loadGlue } = require('../../tools/fake-shell.js');
    const initial = loadGlue().Core.initialView();
    const data = copy(page.instance.data);
    expect(data.message).toBeNull();
    delete data.message;
    expect(data).toEqual(initial);
    expect(text(page.querySelector('#title'))).toBe(initial.title);
    expect(text(page.querySelector('.status'))).toBe(initial.status);
  });

  test('fatal (set by the shell when the core cannot load): title and message', () => {
    const page = open({ route: 'fatal', title: '无法启动 / Cannot start', message: 'The core could not load' });
    expect(text(page.querySelector('#title'))).toBe('无法启动 / Cannot start');
    expect(text(page.querySelector('.message'))).toBe('The core could not load');
  });
});

describe('events to the core', () => {
  test('card taps become tap events with a null arg', async () => {
    const view = copy(views.card);
    view.form = null;
    const page = open(view);
    const card = page.querySelector('#customer-card');
    await tap(card.querySelector('#edit'));
    await tap(card.querySelector('#compose'));
    await tap(card.querySelector('.tag-remove'));
    expect(sent()).toEqual([
      { type: 'tap', action: 'edit', arg: null },
      { type: 'tap', action: 'compose', arg: null },
      { type: 'tap', action: 'removeTag', arg: 'etLevelA0001' },
    ]);
  });

  test('typing in the edit form becomes input events; a mobile row carries its index', async () => {
    const page = open(views.card);
    const form = find(page, '#edit-form', ['#customer-card']);
    await type(form.querySelector('#input-remark'), '陈先生');
    await type(form.querySelector('.mobile-input'), '13800138001');
    await tap(form.querySelector('.mobile-remove'));
    await tap(form.querySelector('#save')); // disabled: nothing
    await tap(form.querySelector('#cancel'));
    expect(sent()).toEqual([
      { type: 'input', field: 'remark', value: '陈先生', index: null },
      { type: 'input', field: 'mobile', value: '13800138001', index: 0 },
      { type: 'tap', action: 'removeMobile', arg: 0 },
      { type: 'tap', action: 'cancelEdit', arg: null },
    ]);
  });

  test('composer events: field composer.<key>, msgType arg, enterChat switch, quick reply', async () => {
    const page = open(views.compose);
    const composer = page.querySelector('#composer-panel');
    await type(composer.querySelector('#input-composer-text'), 'hello');
    await tap(composer.querySelectorAll('.msg-type')[2]);
    composer.querySelector('#enter-chat').dispatchEvent('change', { detail: { value: true } });
    await simulate.sleep(0);
    await tap(composer.querySelectorAll('.quick-reply')[0]);
    await tap(composer.querySelector('#send')); // disabled: nothing
    expect(sent()).toEqual([
      { type: 'input', field: 'composer.text', value: 'hello', index: null },
      { type: 'tap', action: 'msgType', arg: 'miniprogram' },
      { type: 'tap', action: 'enterChat', arg: null },
      { type: 'tap', action: 'quickReply', arg: 'intro' },
    ]);
  });
});

describe('path patches from the host', () => {
  test('a form patch updates the embedded edit form', () => {
    const page = open(views.card);
    const form = () => find(page, '#edit-form', ['#customer-card']);
    expect(form().querySelector('.field-error')).toBeDefined();
    host.page.setData({
      'form.values.remark': '陈先生',
      'form.remark': { count: 3, field: 'remark', max: 20, over: false, text: '3/20' },
      'form.errors': [],
      'form.canSave': true,
    });
    expect(form().querySelector('.field-error')).toBeUndefined();
    expect(text(form())).toContain('3/20');
    expect(form().querySelector('#save').toJSON().attrs.find((a) => a.name === 'disabled').value).toBe(false);
  });

  test('a route patch switches components; pendingSaves shows the sync line', () => {
    const page = open(views.home);
    const card = copy(views.card);
    card.form = null;
    card.pendingSaves = 1;
    card.pendingSavesLabel = '1 change waiting to reach WeCom';
    host.page.setData(card);
    expect(page.querySelector('#home-view')).toBeUndefined();
    expect(text(find(page, '.pending', ['#customer-card']))).toContain('1');
    host.page.setData({ banner: 'Saved offline' });
    expect(text(find(page, '.banner', ['#banner-bar']))).toBe('Saved offline×');
  });

  test('onUnload detaches from the host', () => {
    const page = open(views.home);
    expect(host.page).toBe(page.instance);
    page.instance.onUnload();
    expect(host.page).toBeNull();
  });
});

test('page and component JS avoid ?. and ?? (old base libraries)', () => {
  const files = [path.join(ROOT, 'pages/index/index.js')];
  for (const name of fs.readdirSync(path.join(ROOT, 'components'))) {
    const entry = path.join(ROOT, 'components', name);
    files.push(fs.statSync(entry).isDirectory() ? path.join(entry, `${name}.js`) : entry);
  }
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
    expect({ file, optional: /\?\.(?!\d)|\?\?/.test(src) }).toEqual({ file, optional: false });
  }
});

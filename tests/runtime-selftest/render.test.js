/** @jest-environment jsdom */
'use strict';
// Render layer: launch the fixture, render through j-component, drive events, page stack.
const { fixtureRuntimes, run } = require('./helpers');

const { mk, track } = fixtureRuntimes();
const launch = async (opts = {}, scenario) => {
  const rt = mk(scenario);
  await rt.launch(opts);
  return rt;
};

test('launch runs app and page lifecycles in order and renders the page', async () => {
  const rt = await launch();
  expect(rt.route).toBe('pages/index/index');
  expect(run(rt, 'getApp().globalData.order')).toEqual([
    'app.onLaunch', 'app.onShow', 'page.created', 'page.attached', 'page.onLoad', 'page.onShow', 'page.ready', 'page.onReady']);
  expect(run(rt, 'getApp().globalData.launchPath')).toBe('pages/index/index');
  expect(rt.page.data.title).toBe('Index home');
  expect(rt.text()).toBe('Index home Count: 0 x Name: /0 Nothing picked Alice* Bob* +1 path detail bad P:Ann rename');
  expect(rt.text()).not.toContain('secret'); // hidden="{{true}}"
  expect(rt.dom().querySelector('#title').textContent).toBe('Index home');
  expect(run(rt, 'getCurrentPages().length')).toBe(1);
  expect(run(rt, 'getCurrentPages()[0].route')).toBe('pages/index/index');
  expect(rt.log.console.map((c) => c.text)).toEqual(['launch pages/index/index Hello, fixture']);
  expect(rt.errors).toEqual([]);
});

test('launch with path and query', async () => {
  const rt = await launch({ path: 'pages/index/index?from=share', query: { extra: '1' } });
  expect(rt.page.data.title).toBe('Index share');
  expect(rt.page.options).toEqual({ from: 'share', extra: '1' });
});

test('tap and input go through the render layer; custom component events bubble to the page', async () => {
  const rt = await launch();
  await rt.tap('.inc');
  await rt.tap('.inc');
  expect(rt.page.data.count).toBe(2);
  expect(rt.dom().querySelector('.count').textContent).toBe('Count: 2');
  await rt.input('.name-input', 'Zoe');
  expect(rt.page.data.name).toBe('Zoe');
  expect(rt.attr('.name-input', 'value')).toBe('Zoe');
  expect(rt.attr('.hid', 'hidden')).toBe(true);
  expect(rt.text()).toContain('Name: Zoe/3');
  const items = rt.dom().querySelectorAll('.item');
  expect(items).toHaveLength(2);
  await rt.tap('.contact:nth-of-type(2) .item');
  expect(rt.text()).toContain('Picked Bob (wm2) T:tap');
  await expect(rt.tap('.nope')).rejects.toThrow(/no element matches ".nope"/);
  expect(rt.errors).toEqual([]);
});

test('setData path keys, and every setData is logged with its JSON size', async () => {
  const rt = await launch();
  const before = rt.log.setData.length;
  await rt.tap('.path');
  expect(rt.page.data.nested.a.b[2].c).toBe('y');
  expect(rt.page.data.contacts[1]).toEqual({ id: 'wm2', name: 'Bobby' });
  expect(rt.text()).toContain('Alice* Bobby*');
  const entry = rt.log.setData[before];
  expect(entry).toMatchObject({ target: 'pages/index/index', kind: 'page', keys: ['nested.a.b[2].c', 'contacts[1].name'] });
  expect(entry.bytes).toBe(Buffer.byteLength(JSON.stringify({ 'nested.a.b[2].c': 'y', 'contacts[1].name': 'Bobby' })));
  expect(rt.log.setData.some((e) => e.kind === 'component' && e.target === 'components/contact-item/contact-item')).toBe(true);
});

test('a path key re-renders a child component bound to the root object, as the real render layer does', async () => {
  const rt = await launch();
  expect(rt.dom().querySelector('.profile').textContent).toBe('P:Ann');
  await rt.tap('.rename');
  expect(rt.page.data.profile).toEqual({ name: 'Annie', city: 'Shenzhen' });
  expect(rt.dom().querySelector('.profile').textContent).toBe('P:Annie');
  expect(rt.log.setData[rt.log.setData.length - 1].keys).toEqual(['profile.name']);
});

test('setData: undefined values are warned about and dropped; > 1 MB is refused', async () => {
  const rt = await launch();
  run(rt, 'getCurrentPages()[0].setData({ title: undefined, count: 5 })');
  expect(rt.page.data.title).toBe('Index home');
  expect(rt.page.data.count).toBe(5);
  expect(rt.warnings.join('\n')).toMatch(/undefined value at title/);
  expect(rt.log.setData[rt.log.setData.length - 1].undefinedPaths).toEqual(['title']);
  const err = run(rt, '(() => { try { getCurrentPages()[0].setData({ big: "x".repeat(1100000) }) } catch (e) { return e.message } })()');
  expect(err).toMatch(/exceeds the 1048576-byte/);
});

test('errors thrown in event handlers are captured (and reach App.onError)', async () => {
  const rt = await launch();
  await rt.tap('.bad');
  expect(rt.errors.map((e) => e.message)).toEqual(['exploded in thrower']);
  expect(run(rt, 'getApp().globalData.errors')).toEqual(['Error: exploded in thrower']);
});

test('navigateTo / navigateBack with a Page() page', async () => {
  const rt = await launch();
  await rt.tap('.go');
  expect(rt.route).toBe('pages/detail/detail');
  expect(rt.text()).toBe('Detail WM9 (pages/detail/detail) footer for wm9 back'); // <wxs src> and <include> inlined
  expect(rt.pages).toHaveLength(2);
  expect(run(rt, 'getApp().globalData.order.slice(-2)')).toEqual(['page.onHide', 'detail.onLoad page-field']);
  await rt.tap('.back');
  expect(rt.route).toBe('pages/index/index');
  expect(run(rt, 'getApp().globalData.order.slice(-2)')).toEqual(['detail.onUnload', 'page.onShow']);
  const bad = [];
  run(rt, 'wx.navigateTo({ url: "/pages/nope/nope", fail: (e) => { globalThis.navErr = e.errMsg } })');
  await rt.settle();
  expect(run(rt, 'navErr')).toBe('navigateTo:fail page "pages/nope/nope" is not found');
  expect(bad).toEqual([]);
  expect(rt.errors).toEqual([]);
});

test('hide/show: App and page hooks, component pageLifetimes, wx.onAppHide/onAppShow', async () => {
  const rt = await launch();
  run(rt, 'globalThis.ev = []; wx.onAppHide(() => ev.push("hide")); wx.onAppShow((o) => ev.push("show " + o.path))');
  expect(rt.text()).toContain('Alice*');
  await rt.hide();
  expect(rt.text()).not.toContain('Alice*');
  await rt.show();
  expect(rt.text()).toContain('Alice*');
  expect(run(rt, 'ev')).toEqual(['hide', 'show pages/index/index']);
  expect(run(rt, 'getApp().globalData.order.slice(-4)')).toEqual(['app.onHide', 'page.onHide', 'app.onShow', 'page.onShow']);
});

test('kill() discards memory but keeps storage and login; relaunch works', async () => {
  const rt = await launch();
  run(rt, 'wx.setStorageSync("seen", 1); wx.qy.login({})');
  await rt.settle();
  const rt2 = await rt.kill();
  track(rt2);
  await rt2.launch();
  expect(run(rt2, 'getApp().globalData.launches')).toBe(1);
  expect(run(rt2, 'wx.getStorageSync("seen")')).toBe(1);
  expect(rt2.device.session.loggedIn).toBe(true);
  expect(rt2.text()).toContain('Count: 0');
  expect(rt2.errors).toEqual([]);
});

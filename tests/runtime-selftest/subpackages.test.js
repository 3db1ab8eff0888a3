/** @jest-environment jsdom */
'use strict';
// Subpackage isolation (app.json subPackages), as on real clients: main-package code cannot plainly
// require a file inside a subpackage root until the client has that subpackage (one of its pages
// opened, or require.async resolved a module of it); subpackage code may require its own files and
// main-package files. The fixture has subpackages "sub" and "sub2/" (a root with a trailing slash).
const { fixtureRuntimes, run } = require('./helpers');

const { mk } = fixtureRuntimes();

/** What a module-level plain require of `p` from main-package code does: the module, or the error message. */
function plain(rt, p) {
  try {
    return { module: rt.require('utils/async-user').loadSync(p) };
  } catch (e) {
    return { err: e.message, isError: e instanceof run(rt, 'Error') };
  }
}

test('main-package code cannot plainly require a subpackage file; nothing of it runs', async () => {
  const rt = mk();
  await rt.launch();
  const r = plain(rt, '../sub/lib/greet');
  expect(r.isError).toBe(true);
  expect(r.err).toMatch(/module "sub\/lib\/greet\.js" is not defined, require args is '\.\.\/sub\/lib\/greet'/);
  expect(r.err).toMatch(/subpackage "sub", which this client has not loaded/);
  expect(() => rt.require('sub/lib/greet')).toThrow(/subpackage "sub"/); // host-side rt.require is main-package code too
  expect(() => rt.require('/sub2/peer.js')).toThrow(/subpackage "sub2"/);
  expect(rt.logic.modules.has('sub/lib/greet.js')).toBe(false);
  expect(run(rt, 'globalThis.greetLoads')).toBeUndefined();
  expect(rt.require('utils/util').greet('main')).toBe('Hello, main'); // main package: fine
  expect(rt.errors).toEqual([]);
});

test('opening a subpackage page loads it: its page requires its own and main files; then main code may require it', async () => {
  const rt = mk();
  await rt.launch();
  expect(plain(rt, '../sub/lib/greet').err).toMatch(/not loaded/);
  run(rt, 'wx.navigateTo({ url: "/sub/pages/hello/hello" })');
  await rt.settle();
  expect(rt.route).toBe('sub/pages/hello/hello');
  expect(rt.text()).toBe('Hello, sub / lib-index');
  expect(rt.page.data.stack).toBe('pages/index/index,sub/pages/hello/hello'); // on the stack from onLoad on
  expect([...rt.logic.loadedSubpackages]).toEqual(['sub']);
  const r = plain(rt, '../sub/lib/greet');
  expect(r.module).toMatchObject({ name: 'greet', text: 'Hello, sub' });
  expect(run(rt, 'globalThis.greetLoads')).toBe(1); // the page's module, not a second copy
  expect(() => rt.require('sub2/peer')).toThrow(/subpackage "sub2"/); // only the subpackage opened
  expect(rt.errors).toEqual([]);
});

test('launching on a subpackage page loads that subpackage', async () => {
  const rt = mk();
  await rt.launch({ path: 'sub2/pages/two/two' });
  expect(rt.text()).toBe('two 2');
  expect(rt.require('sub2/peer').name).toBe('peer');
  expect(() => rt.require('sub/lib/greet')).toThrow(/subpackage "sub"/);
});

test('require.async loads a subpackage; subpackages cannot plainly require each other until loaded', async () => {
  const rt = mk();
  const user = rt.require('utils/async-user');
  const got = {};
  user.load('../sub2/peer').then((m) => { got.peer = m; });
  await rt.settle();
  expect(got.peer.name).toBe('peer');
  expect(rt.log.requireAsync.map((e) => [e.path, e.subpackage, e.ok])).toEqual([['sub2/peer.js', 'sub2', true]]);
  expect(rt.require('sub2/peer')).toBe(got.peer); // now loaded: plain require from main works
  expect(got.peer.load('../utils/util').greet('x')).toBe('Hello, x'); // subpackage -> main
  expect(() => got.peer.load('../sub/lib/greet')).toThrow(/from sub2\/peer\.js; it is in subpackage "sub"/); // sub2 -> sub
  user.load('/sub/lib/greet.js').then((m) => { got.greet = m; });
  await rt.settle();
  expect(got.peer.load('../sub/lib/greet')).toBe(got.greet);
  expect(rt.errors).toEqual([]);
});

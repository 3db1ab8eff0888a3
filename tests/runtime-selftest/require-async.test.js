'use strict';
// require.async (分包异步化, base library >= 2.11.2): a Promise of the module, resolved like require.
const { fixtureRuntimes, run } = require('./helpers');

const { mk, dir } = fixtureRuntimes();

/** Calls user.load(path) in the logic layer; returns what the promise gave, after settle. */
async function loadAsync(rt, p) {
  const user = rt.require('utils/async-user');
  const out = { settled: false };
  const pending = user.load(p);
  out.isPromise = pending instanceof run(rt, 'Promise');
  pending.then((m) => { out.settled = true; out.ok = true; out.module = m; },
    (e) => { out.settled = true; out.ok = false; out.err = e.message; out.isError = e instanceof run(rt, 'Error'); });
  out.settledBeforeSettle = out.settled;
  out.loadedBeforeSettle = run(rt, 'globalThis.heavyLoads || 0');
  await rt.settle();
  return out;
}

test('resolves package paths like require, later, once per context, and is logged', async () => {
  const rt = mk();
  expect(run(rt, 'typeof require')).toBe('undefined'); // module scope only
  expect(rt.require('utils/async-user').hasAsync).toBe('function');
  const a = await loadAsync(rt, '../lazy/heavy');
  expect(a).toMatchObject({ isPromise: true, settledBeforeSettle: false, loadedBeforeSettle: 0, ok: true });
  expect(a.module).toMatchObject({ name: 'heavy', codec: 'lib-index' });
  expect(run(rt, 'globalThis.heavyLoads')).toBe(1);
  // Same module object for require.async with another spelling, and for plain require afterwards.
  const b = await loadAsync(rt, '/lazy/heavy.js');
  expect(b.module).toBe(a.module);
  expect(rt.require('utils/async-user').loadSync('../lazy/heavy')).toBe(a.module);
  expect(run(rt, 'globalThis.heavyLoads')).toBe(1);
  expect(rt.log.requireAsync.map(({ request, from, path, ok }) => ({ request, from, path, ok }))).toEqual([
    { request: '../lazy/heavy', from: 'utils/async-user.js', path: 'lazy/heavy.js', ok: true },
    { request: '/lazy/heavy.js', from: 'utils/async-user.js', path: 'lazy/heavy.js', ok: true },
  ]);
  expect(rt.errors).toEqual([]);
});

test('a missing module rejects with an Error of the app realm; nothing is reported when caught', async () => {
  const rt = mk();
  const r = await loadAsync(rt, '../lazy/missing');
  expect(r).toMatchObject({ ok: false, isError: true });
  expect(r.err).toMatch(/module "\.\.\/lazy\/missing" is not defined/);
  expect(rt.log.requireAsync).toHaveLength(1);
  expect(rt.log.requireAsync[0]).toMatchObject({ ok: false, error: expect.stringMatching(/is not defined/) });
  expect(rt.errors).toEqual([]);
});

test('works with the iOS <= 15 Promise polyfill; absent below base library 2.11.2 or on older clients', async () => {
  const poly = mk({ promisePolyfill: true });
  expect((await loadAsync(poly, '../lazy/heavy')).module).toMatchObject({ name: 'heavy' });
  const has = (scenario) => mk(scenario).require('utils/async-user').hasAsync;
  expect(has({ sdkVersion: '2.11.1' })).toBe('undefined');
  expect(has({ flavour: 'old' })).toBe('function'); // 2.12.3 on a current client
  expect(has({ flavour: 'ios', sdkVersion: '2.12.3', clientVersion: '3.1.8' })).toBe('undefined'); // WeCom iOS < 4.0.8
  expect(has({ flavour: 'ios', clientVersion: '4.0.8' })).toBe('function');
  expect(has({ platform: 'android', clientVersion: '3.1.22' })).toBe('undefined'); // WeCom Android < 3.1.23
  expect(has({ host: 'wechat', platform: 'ios', wechatVersion: '7.0.11' })).toBe('undefined');
  expect(has({ host: 'wechat', platform: 'android', wechatVersion: '7.0.13' })).toBe('function');
});

test('records the app.json subpackage a module belongs to', async () => {
  const fs = require('fs');
  const path = require('path');
  const appJson = path.join(dir(), 'app.json');
  const before = fs.readFileSync(appJson, 'utf8');
  try {
    fs.writeFileSync(appJson, JSON.stringify(Object.assign(JSON.parse(before), { subPackages: [{ root: 'lazy/', pages: [] }] })));
    const rt = mk();
    await loadAsync(rt, '../lazy/heavy');
    await loadAsync(rt, './lib');
    expect(rt.log.requireAsync.map((e) => [e.path, e.subpackage])).toEqual([['lazy/heavy.js', 'lazy'], ['utils/lib/index.js', null]]);
  } finally {
    fs.writeFileSync(appJson, before);
  }
});

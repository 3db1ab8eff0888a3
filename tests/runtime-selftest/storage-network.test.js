'use strict';
// Storage (JSON copies, quotas, persistence across kill) and wx.request routing.
const { fixtureRuntimes, call, run } = require('./helpers');

const { mk, track } = fixtureRuntimes();
const tryRun = (rt, code) => run(rt, `(() => { try { return { value: (${code}) } } catch (e) { return { name: e.name, message: e.message, errMsg: e.errMsg, isError: e instanceof Error } } })()`);

describe('storage', () => {
  test('values are stored as given, deep-copied through JSON', async () => {
    const rt = mk();
    run(rt, `
      globalThis.v = { a: 1, list: [1, 2], when: new Date(0), skip: undefined, fn() {} };
      wx.setStorageSync('k', v);
      v.a = 99;
    `);
    expect(run(rt, 'wx.getStorageSync("k")')).toEqual({ a: 1, list: [1, 2], when: '1970-01-01T00:00:00.000Z' });
    expect(rt.device.storage.get('k')).toEqual({ a: 1, list: [1, 2], when: '1970-01-01T00:00:00.000Z' });
    expect(run(rt, 'wx.getStorageSync("k") !== wx.getStorageSync("k")')).toBe(true);
    expect(run(rt, 'wx.getStorageSync("missing")')).toBe('');
    run(rt, 'wx.setStorageSync("n", 5); wx.setStorageSync("s", "str")');
    expect(run(rt, 'wx.getStorageInfoSync()')).toMatchObject({ keys: ['k', 'n', 's'], currentSize: 1, limitSize: 10240 });
    expect((await call(rt, 'getStorage', { key: 'n' })).ok).toEqual({ data: 5, errMsg: 'getStorage:ok' });
    expect((await call(rt, 'getStorage', { key: 'zzz' })).errMsg).toBe('getStorage:fail data not found');
    expect((await call(rt, 'setStorage', { key: 'a2', data: [1] })).errMsg).toBe('setStorage:ok');
    expect((await call(rt, 'removeStorage', { key: 'a2' })).errMsg).toBe('removeStorage:ok');
    run(rt, 'wx.removeStorageSync("s")');
    expect([...rt.device.storage.keys()]).toEqual(['k', 'n']);
    // promise form when no callback is passed (base library >= 2.10.2)
    run(rt, 'wx.getStorage({ key: "n" }).then((r) => { globalThis.viaPromise = r.data })');
    await rt.settle();
    expect(run(rt, 'viaPromise')).toBe(5);
    expect(tryRun(rt, 'wx.setStorageSync(1, 2)')).toMatchObject({ errMsg: 'setStorageSync:fail parameter error: parameter.key should be String instead of Number;', isError: true });
  });

  test('quotas: per item and total', async () => {
    const rt = mk({ storageLimitBytes: 1000, storageItemLimitBytes: 400 });
    expect(tryRun(rt, 'wx.setStorageSync("big", "x".repeat(500))')).toEqual({
      name: 'Error', message: 'setStorageSync:fail exceed storage item max length', errMsg: 'setStorageSync:fail exceed storage item max length', isError: true,
    });
    run(rt, 'wx.setStorageSync("a", "x".repeat(300)); wx.setStorageSync("b", "x".repeat(300)); wx.setStorageSync("c", "x".repeat(300))');
    expect(tryRun(rt, 'wx.setStorageSync("d", "x".repeat(300))').errMsg).toBe('setStorageSync:fail exceed storage max size');
    expect(tryRun(rt, 'wx.setStorageSync("a", "y".repeat(300))').value).toBeUndefined(); // replacing fits
    expect((await call(rt, 'setStorage', { key: 'd', data: 'x'.repeat(300) })).errMsg).toBe('setStorage:fail exceed storage max size');
    expect((await call(rt, 'setStorage', { key: 'e', data: 'x'.repeat(401) })).errMsg).toBe('setStorage:fail exceed storage item max length');
    expect(rt.log.storage.filter((e) => !e.ok && e.op === 'set').map((e) => e.errMsg)).toHaveLength(4);
  });

  test('storage persists across kill()', async () => {
    const rt = mk();
    run(rt, 'wx.setStorageSync("token", { t: "abc" })');
    const rt2 = await rt.kill();
    track(rt2);
    expect(rt2.device).toBe(rt.device);
    expect(run(rt2, 'wx.getStorageSync("token")')).toEqual({ t: 'abc' });
    expect(run(rt2, 'typeof globalThis.v')).toBe('undefined');
    expect(() => run(rt, '1')).not.toThrow(); // the old context still exists but its timers are gone
    await expect(rt.launch()).rejects.toThrow(/killed/);
  });
});

describe('request', () => {
  test('routed to scenario.backend; json bodies parsed; everything logged', async () => {
    const seen = [];
    const rt = mk({
      backend: async (req) => {
        seen.push(req);
        if (req.url.endsWith('/text')) return { statusCode: 200, data: '{"x":1}', header: { 'content-type': 'application/json' } };
        if (req.url.endsWith('/raw')) return { statusCode: 200, data: 'plain text' };
        return { statusCode: 401, data: { errcode: 401 } };
      },
    });
    const r = await call(rt, 'request', { url: 'https://api.test/text', method: 'post', data: { a: 1 }, header: { Authorization: 'Bearer t' } });
    expect(seen[0]).toEqual({ url: 'https://api.test/text', method: 'POST', data: { a: 1 }, header: { Authorization: 'Bearer t' } });
    expect(r.ok).toEqual({ data: { x: 1 }, statusCode: 200, header: { 'content-type': 'application/json' }, cookies: [], errMsg: 'request:ok' });
    expect(r.ret && typeof r.ret.abort).toBe('function');
    expect((await call(rt, 'request', { url: 'https://api.test/raw' })).ok.data).toBe('plain text');
    expect((await call(rt, 'request', { url: 'https://api.test/text', dataType: 'text' })).ok.data).toBe('{"x":1}');
    const e401 = await call(rt, 'request', { url: 'https://api.test/other' });
    expect(e401.ok).toMatchObject({ statusCode: 401, data: { errcode: 401 } }); // HTTP errors still "succeed"
    expect(rt.log.requests.map((q) => [q.method, q.url, q.statusCode])).toEqual([
      ['POST', 'https://api.test/text', 200], ['GET', 'https://api.test/raw', 200], ['GET', 'https://api.test/text', 200], ['GET', 'https://api.test/other', 401]]);
  });

  test('network down, backend throwing, invalid url', async () => {
    let calls = 0;
    const rt = mk({ network: false, backend: async () => { calls++; throw new Error('connection reset'); } });
    expect((await call(rt, 'request', { url: 'https://api.test/a' })).errMsg).toBe('request:fail network unavailable');
    expect(calls).toBe(0);
    expect((await call(rt, 'getNetworkType')).ok.networkType).toBe('none');
    await rt.setNetwork(true);
    expect((await call(rt, 'request', { url: 'https://api.test/a' })).errMsg).toBe('request:fail connection reset');
    expect(calls).toBe(1);
    expect((await call(rt, 'request', { url: 'ftp://x' })).errMsg).toBe('request:fail invalid url');
  });

  test('latency runs on the virtual clock; timeout and abort', async () => {
    const rt = mk({ latencyMs: 800, backend: () => ({ data: { ok: true } }) });
    run(rt, `globalThis.res = []; wx.request({ url: 'https://api.test/slow', success: (r) => res.push(['ok', Date.now()]) });`);
    await rt.settle();
    expect(run(rt, 'res.length')).toBe(0);
    expect(rt.log.requests[0].state).toBe('pending');
    await rt.advance(799);
    expect(run(rt, 'res.length')).toBe(0);
    await rt.advance(1);
    expect(run(rt, 'res[0][0]')).toBe('ok');
    expect(run(rt, 'res[0][1] - Date.now()')).toBe(0);
    const t = await call(rt, 'request', { url: 'https://api.test/slow', timeout: 500 });
    expect(t.calls).toEqual([]);
    await rt.advance(500);
    expect(rt.log.requests[1].errMsg).toBe('request:fail timeout');
    run(rt, `globalThis.ab = null; const task = wx.request({ url: 'https://api.test/slow', fail: (e) => { ab = e.errMsg } }); task.abort();`);
    await rt.settle();
    expect(run(rt, 'ab')).toBe('request:fail abort');
  });

  test('setNetwork fires onNetworkStatusChange listeners', async () => {
    const rt = mk();
    run(rt, 'globalThis.ns = []; wx.onNetworkStatusChange((r) => ns.push(r))');
    await rt.setNetwork(false);
    await rt.setNetwork(true);
    expect(run(rt, 'ns')).toEqual([{ isConnected: false, networkType: 'none' }, { isConnected: true, networkType: 'wifi' }]);
  });
});

describe('misc wx', () => {
  test('UI calls are logged; showModal auto-confirms; promise form; launch options', async () => {
    const rt = mk({ sdkVersion: '2.9.0' });
    expect((await call(rt, 'showToast', { title: 'saved', icon: 'success' })).errMsg).toBe('showToast:ok');
    expect((await call(rt, 'showModal', { title: 'sure?', content: 'x' })).ok).toEqual({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    await call(rt, 'showLoading', { title: 'wait' });
    await call(rt, 'hideLoading');
    expect(rt.log.toasts.map((t) => [t.type, t.title])).toEqual([['toast', 'saved'], ['modal', 'sure?'], ['loading', 'wait'], ['hideLoading', undefined]]);
    expect(run(rt, 'wx.getSystemInfo({}) === undefined')).toBe(true); // no promise form below 2.10.2
    const cancel = mk({ modal: 'cancel' });
    expect((await call(cancel, 'showModal', { title: 'q' })).ok).toMatchObject({ confirm: false, cancel: true });
    run(cancel, 'wx.getSystemInfo().then((r) => { globalThis.sys = r.errMsg })');
    await cancel.settle();
    expect(run(cancel, 'sys')).toBe('getSystemInfo:ok');
    run(cancel, 'globalThis.order = []; wx.nextTick(() => order.push("tick")); order.push("sync")');
    await cancel.settle();
    expect(run(cancel, 'order')).toEqual(['sync', 'tick']);
  });
});

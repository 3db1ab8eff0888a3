/** @jest-environment jsdom */
const vm = require('vm');
test('probe2', async () => {
  const ctx = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  const got = [];
  const h = (reason, p) => got.push(['unh', String(reason), Object.getPrototypeOf(p) === vm.runInContext('Promise.prototype', ctx)]);
  process.on('unhandledRejection', h);
  console.log(typeof process.on, process.listenerCount && process.listenerCount('unhandledRejection'));
  vm.runInContext('Promise.reject(new Error("boom")); globalThis.x = typeof WebAssembly; try { eval("1") } catch (e) { globalThis.ev = e.name + ":" + e.message }', ctx);
  await new Promise(r => setTimeout(r, 5));
  console.log(got, ctx.x, ctx.ev, typeof setImmediate);
  process.off('unhandledRejection', h);
});

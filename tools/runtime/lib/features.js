'use strict';
// Which base-library features a scenario's client has (facts §1). Shared by the headless
// runtime and the browser simulator (sim/phone); browser-safe.

const { versionAtLeast } = require('./util');

// require.async (分包异步化) needs base library 2.11.2 and a client that supports it
// (mp:framework/subpackages/async): WeCom Android 3.1.23, WeCom iOS 4.0.8, WeChat Android 7.0.13,
// WeChat iOS 7.0.12. Other platforms: base library only.
const REQUIRE_ASYNC_MIN_SDK = '2.11.2';
const REQUIRE_ASYNC_MIN_CLIENT = {
  wecom: { android: '3.1.23', ios: '4.0.8' },
  wechat: { android: '7.0.13', ios: '7.0.12' },
};

// WXWebAssembly needs base library 2.13.0; .wasm.br files 2.14.0 (mp:framework/performance/wasm).
const WXWEBASSEMBLY_MIN_SDK = '2.13.0';
const WASM_BR_MIN_SDK = '2.14.0';

/** Whether this scenario's client has require.async. */
function hasRequireAsync(s) {
  if (!versionAtLeast(s.sdkVersion, REQUIRE_ASYNC_MIN_SDK)) return false;
  const min = (REQUIRE_ASYNC_MIN_CLIENT[s.host] || {})[s.platform];
  if (!min) return true;
  return versionAtLeast(s.host === 'wecom' ? s.clientVersion : s.wechatVersion, min);
}

/** Whether this scenario's base library has WXWebAssembly (the runtime's 'old' flavour never has it). */
function hasWXWebAssembly(s) {
  return s.flavour !== 'old' && versionAtLeast(s.sdkVersion, WXWEBASSEMBLY_MIN_SDK);
}

/** Whether WXWebAssembly.instantiate takes .wasm.br paths on this scenario's base library. */
function hasWasmBr(s) {
  return versionAtLeast(s.sdkVersion, WASM_BR_MIN_SDK);
}

module.exports = {
  hasRequireAsync, hasWXWebAssembly, hasWasmBr,
  REQUIRE_ASYNC_MIN_SDK, REQUIRE_ASYNC_MIN_CLIENT, WXWEBASSEMBLY_MIN_SDK, WASM_BR_MIN_SDK,
};

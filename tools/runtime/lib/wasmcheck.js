'use strict';
// Structural scan of a wasm binary for post-MVP features an old engine would reject
// (scenario.wasmFeatures === 'mvp'). Looks at types, imports, tables, memories and globals:
// multi-value results, reference types (externref/funcref values, more than one table), SIMD
// (v128), shared memory (threads), memory64. Instructions in the code section are not decoded,
// so e.g. sign-extension or bulk-memory opcodes go unnoticed.

function wasmFeatureProblems(buf) {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  let pos = 8;
  const problems = new Set();
  const u8 = () => {
    if (pos >= bytes.length) throw new Error('truncated wasm');
    return bytes[pos++];
  };
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = u8();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return result;
      if (shift > 63) throw new Error('bad LEB128');
    }
  };
  const sleb = () => { // skip a signed LEB
    for (;;) if (!(u8() & 0x80)) return;
  };
  const name = () => { const n = leb(); pos += n; };
  const valtype = (t, where) => {
    if (t === 0x6f || t === 0x70) problems.add(`reference types (${t === 0x6f ? 'externref' : 'funcref'} ${where})`);
    else if (t === 0x7b) problems.add(`SIMD (v128 ${where})`);
  };
  const limits = (what) => {
    const flags = u8();
    leb();
    if (flags & 1) leb();
    if (what === 'memory' && flags & 2) problems.add('threads (shared memory)');
    if (what === 'memory' && flags & 4) problems.add('memory64');
  };
  const initExpr = () => {
    for (;;) {
      const op = u8();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42) sleb();
      else if (op === 0x43) pos += 4;
      else if (op === 0x44) pos += 8;
      else if (op === 0x23 || op === 0xd2) leb();
      else if (op === 0xd0) u8();
      else if (op === 0xfd) { problems.add('SIMD (v128.const)'); pos += 17; }
      else problems.add(`extended constant expressions (opcode 0x${op.toString(16)})`);
    }
  };
  let tables = 0;
  while (pos < bytes.length) {
    const id = u8();
    const size = leb();
    const end = pos + size;
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        u8(); // 0x60
        for (let p = leb(); p > 0; p--) valtype(u8(), 'parameter');
        const results = leb();
        if (results > 1) problems.add(`multi-value (a function type returns ${results} values)`);
        for (let r = results; r > 0; r--) valtype(u8(), 'result');
      }
    } else if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        name();
        name();
        const kind = u8();
        if (kind === 0) leb();
        else if (kind === 1) { tables++; valtype(u8(), 'table'); limits('table'); }
        else if (kind === 2) limits('memory');
        else if (kind === 3) { valtype(u8(), 'global'); u8(); }
        else if (kind === 4) { u8(); leb(); problems.add('exception handling (tag import)'); }
      }
    } else if (id === 4) {
      for (let n = leb(); n > 0; n--) {
        tables++;
        const t = u8();
        if (t !== 0x70) valtype(t, 'table');
        limits('table');
      }
    } else if (id === 5) {
      for (let n = leb(); n > 0; n--) limits('memory');
    } else if (id === 6) {
      for (let n = leb(); n > 0; n--) {
        valtype(u8(), 'global');
        u8();
        initExpr();
      }
    } else if (id === 13) {
      problems.add('exception handling (tag section)');
    }
    pos = end;
  }
  if (tables > 1) problems.add(`reference types (${tables} tables)`);
  return [...problems];
}

module.exports = { wasmFeatureProblems };

'use strict';
// Small host-side helpers shared by the runtime modules.

/** Compare dotted versions: returns -1, 0 or 1. Missing parts count as 0. */
function compareVersion(a, b) {
  const pa = String(a || '0').split('.').map((x) => parseInt(x, 10) || 0);
  const pb = String(b || '0').split('.').map((x) => parseInt(x, 10) || 0);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] || 0;
    const y = pb[i] || 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const versionAtLeast = (v, min) => compareVersion(v, min) >= 0;

/**
 * Deep copy of plain data for logs: functions are dropped, undefined kept,
 * typed arrays become arrays, cycles become '[Circular]'. Result lives in the host realm.
 */
function copyForLog(value, seen = new Set()) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return undefined;
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol') return String(value);
    return value;
  }
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (ArrayBuffer.isView(value)) return Array.from(value);
    if (Object.prototype.toString.call(value) === '[object ArrayBuffer]') return `[ArrayBuffer ${value.byteLength}]`;
    if (Object.prototype.toString.call(value) === '[object Error]' || (value && typeof value.stack === 'string' && typeof value.message === 'string')) {
      return { name: value.name, message: value.message };
    }
    // never value.map(): on a context-realm array that returns a context-realm array
    if (Array.isArray(value)) return Array.from(value, (v) => copyForLog(v, seen));
    const out = {};
    for (const k of Object.keys(value)) {
      if (typeof value[k] === 'function') continue;
      out[k] = copyForLog(value[k], seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Deep copy into the host realm for the render layer (exparser tells arrays apart with
 * instanceof, which fails for context-realm arrays). Like the client's JSON bridge: functions
 * are dropped, toJSON() is honoured; unlike it, undefined is kept (callers report it).
 */
function toHost(value, depth = 0) {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth > 200) throw new Error('setData: data is nested too deeply (cycle?)');
  if (typeof value.toJSON === 'function') return toHost(value.toJSON(), depth + 1);
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return Array.from(value, (v) => toHost(v, depth + 1));
  const out = {};
  for (const k of Object.keys(value)) {
    if (typeof value[k] === 'function') continue;
    out[k] = toHost(value[k], depth + 1);
  }
  return out;
}

/** JSON round trip into the host realm (what the client does to storage values and bridge data). */
function jsonCopy(value) {
  if (value === undefined) return undefined;
  const s = JSON.stringify(value);
  return s === undefined ? undefined : JSON.parse(s);
}

/** Every path in `value` whose value is undefined (setData must never carry undefined). */
function undefinedPaths(value, prefix, out = [], depth = 0) {
  if (depth > 64 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const p = `${prefix}[${i}]`;
      if (v === undefined) out.push(p);
      else undefinedPaths(v, p, out, depth + 1);
    });
  } else {
    for (const k of Object.keys(value)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (value[k] === undefined) out.push(p);
      else undefinedPaths(value[k], p, out, depth + 1);
    }
  }
  return out;
}

function byteLength(str) {
  return Buffer.byteLength(str === undefined ? '' : str, 'utf8');
}

/** JSON.parse of a package file's text (null stays null); `label` prefixes the error. */
function parseJsonFile(text, rel, label) {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${label}: invalid JSON in ${rel}: ${e.message}`);
  }
}

/** Type name the way the base library prints it in "parameter error" messages. */
function typeName(v) {
  if (v === null) return 'Null';
  if (v === undefined) return 'Undefined';
  if (Array.isArray(v)) return 'Array';
  const t = typeof v;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

module.exports = {
  toHost, compareVersion, versionAtLeast, copyForLog, jsonCopy, undefinedPaths, byteLength, typeName, parseJsonFile,
};

// UTF-8 TextEncoder/TextDecoder for runtimes that lack them (real devices).
// The native ones are used where they exist. decode() with no argument
// returns '' (wasm-bindgen's glue calls it that way at load time).
'use strict';

function encodeUtf8(str) {
  const out = [];
  for (let i = 0; i < str.length; i++) {
    let c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd; // lone surrogate
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function PolyTextEncoder() {}
PolyTextEncoder.prototype.encoding = 'utf-8';
PolyTextEncoder.prototype.encode = function encode(str) {
  return new Uint8Array(encodeUtf8(str === undefined ? '' : String(str)));
};
PolyTextEncoder.prototype.encodeInto = function encodeInto(str, view) {
  const bytes = encodeUtf8(String(str));
  // Write whole characters only, like the native encodeInto.
  let written = 0;
  let read = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    if (written + len > view.length) break;
    for (let k = 0; k < len; k++) view[written + k] = bytes[i + k];
    written += len;
    i += len;
    read += len === 4 ? 2 : 1;
  }
  return { read, written };
};

function PolyTextDecoder(label, options) {
  const l = (label === undefined ? 'utf-8' : String(label)).toLowerCase();
  if (l !== 'utf-8' && l !== 'utf8') throw new RangeError(`TextDecoder: only utf-8 is supported, not ${label}`);
  this.fatal = !!(options && options.fatal);
  this.ignoreBOM = !!(options && options.ignoreBOM);
}
PolyTextDecoder.prototype.encoding = 'utf-8';
PolyTextDecoder.prototype.decode = function decode(input) {
  if (input === undefined || input === null) return '';
  const bytes =
    input instanceof Uint8Array
      ? input
      : ArrayBuffer.isView(input)
        ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
        : new Uint8Array(input);
  let i = 0;
  if (!this.ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  const fatal = this.fatal;
  const bad = () => {
    if (fatal) throw new TypeError('The encoded data was not valid utf-8');
    return 0xfffd;
  };
  const units = [];
  let out = '';
  while (i < bytes.length) {
    const b = bytes[i++];
    let c;
    if (b < 0x80) c = b;
    else if (b >= 0xc2 && b < 0xe0 && i < bytes.length && (bytes[i] & 0xc0) === 0x80) {
      c = ((b & 31) << 6) | (bytes[i++] & 63);
    } else if (b >= 0xe0 && b < 0xf0 && i + 1 < bytes.length && (bytes[i] & 0xc0) === 0x80 && (bytes[i + 1] & 0xc0) === 0x80) {
      c = ((b & 15) << 12) | ((bytes[i] & 63) << 6) | (bytes[i + 1] & 63);
      i += 2;
      if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) c = bad();
    } else if (
      b >= 0xf0 && b < 0xf5 && i + 2 < bytes.length &&
      (bytes[i] & 0xc0) === 0x80 && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80
    ) {
      c = ((b & 7) << 18) | ((bytes[i] & 63) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
      i += 3;
      if (c < 0x10000 || c > 0x10ffff) c = bad();
    } else {
      c = bad();
    }
    if (c >= 0x10000) {
      c -= 0x10000;
      units.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
    } else {
      units.push(c);
    }
    if (units.length > 8192) {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, units);
};

const nativeEncoder = typeof TextEncoder === 'undefined' ? null : TextEncoder;
const nativeDecoder = typeof TextDecoder === 'undefined' ? null : TextDecoder;

module.exports = {
  TextEncoder: nativeEncoder || PolyTextEncoder,
  TextDecoder: nativeDecoder || PolyTextDecoder,
  PolyTextEncoder,
  PolyTextDecoder,
};

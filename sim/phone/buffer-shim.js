// esbuild `inject`: the runtime helpers reused from tools/runtime/lib (util.js) call
// Buffer.byteLength; in the browser that is the UTF-8 length from TextEncoder.
const encoder = new TextEncoder();
export const Buffer = {
  byteLength(str) {
    return encoder.encode(str === undefined ? '' : String(str)).length;
  },
};

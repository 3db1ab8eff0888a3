'use strict';
// Where a position in the phone bundle comes from: a file of the mini program (with its own
// line), or a file of the simulator or the runtime. The phone bundle wraps every package .js
// file into one generated module (build.js, packageModule), so esbuild's source map points into
// that module; `layout` (one entry per package file: the generated line its first line is on)
// takes the last step. Used to turn a runtime error's stack (`phone.js:LINE:COL`) into
// `miniprogram/pages/index/index.js:LINE:COL` for the page and the terminal.

const path = require('path');

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** One source-map `mappings` segment's numbers (base64 VLQ). */
function decodeSegment(seg) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const ch of seg) {
    const digit = B64_INDEX.get(ch);
    if (digit === undefined) throw new Error(`bad source map character ${JSON.stringify(ch)}`);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Per generated line, its segments [genCol, source, line, col] (all 0-based), by column. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let line = 0;
  let col = 0;
  for (const text of mappings.split(';')) {
    const segs = [];
    let genCol = 0;
    if (text) {
      for (const s of text.split(',')) {
        const f = decodeSegment(s);
        genCol += f[0];
        if (f.length >= 4) {
          source += f[1];
          line += f[2];
          col += f[3];
          segs.push([genCol, source, line, col]);
        }
      }
    }
    lines.push(segs);
  }
  return lines;
}

/**
 * A resolver for one build of the phone bundle.
 * @param {{ sources: string[], mappings: string }} map  esbuild's source map of phone.js
 * @param {{ rel: string, line: number, lines: number }[]} layout  the package module's files
 * @param {{ root: string, packageDir: string, virtual: string, mapDir?: string }} where
 *   root: paths are shown from it; mapDir: where the map's relative sources start
 */
function createResolver(map, layout, where) {
  let decoded = null;
  const display = (abs) => {
    const rel = path.relative(where.root, abs);
    return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
  };
  /** `{file, line, column}` (1-based) for a 1-based position in phone.js, or null. */
  function resolve(line, column) {
    if (!decoded) decoded = decodeMappings(map.mappings);
    const segs = decoded[line - 1];
    if (!segs || !segs.length) return null;
    let hit = null;
    for (const s of segs) {
      if (s[0] <= column - 1) hit = s;
      else break;
    }
    if (!hit) hit = segs[0];
    const source = map.sources[hit[1]];
    const srcLine = hit[2] + 1;
    const srcCol = hit[3] + 1;
    if (source && source.endsWith(where.virtual)) {
      const mod = layout.find((m) => srcLine >= m.line && srcLine < m.line + m.lines);
      if (!mod) return null;
      return { file: display(path.join(where.packageDir, mod.rel)), line: srcLine - mod.line + 1, column: srcCol };
    }
    if (!source) return null;
    return { file: display(path.resolve(where.mapDir || where.root, source)), line: srcLine, column: srcCol };
  }
  /** The stack with every `…/phone.js:L:C` replaced by where it comes from. */
  function mapStack(stack) {
    return String(stack).replace(/(?:https?:\/\/[^\s)]*?)?\/phone\.js:(\d+):(\d+)/g, (all, l, c) => {
      const r = resolve(Number(l), Number(c));
      return r ? `${r.file}:${r.line}:${r.column}` : all;
    });
  }
  return { resolve, mapStack };
}

module.exports = { createResolver, decodeMappings, decodeSegment };

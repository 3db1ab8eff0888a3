'use strict';
// What is wrong in the mini program's sources, with the real file and line, before the
// simulator bundles them (one bad file would otherwise blank the phone, or print a whole
// template with no name):
//   .js    parsed alone with esbuild (the bundle wraps every file into one module map, so its
//          own errors would point into that map)
//   .wxml  compiled alone with WeChat's own WXML compiler, `wcc` from miniprogram-compiler
//          (x86-64 Linux); elsewhere j-component's parser, positioned at where it stopped
//   .json  JSON.parse, positioned
// Results are cached by path, size and mtime, so a check after an edit reads one file.
//
//   const { sourceProblems, formatProblem } = require('./source-problems');
//   sourceProblems(packageDir)  → [{ file: 'miniprogram/pages/index/index.js', line, column, message }]

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const cache = new Map(); // abs → { key, problem }

function esbuild() {
  return require('esbuild');
}

/** 1-based line and column of `offset` in `text`. */
function position(text, offset) {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function jsProblem(text, rel) {
  try {
    esbuild().transformSync(text, { loader: 'js', sourcefile: rel, logLevel: 'silent' });
    return null;
  } catch (e) {
    const err = e.errors && e.errors[0];
    if (!err) return { line: 1, column: 1, message: String(e.message || e) };
    const loc = err.location || { line: 1, column: 0 };
    return { line: loc.line, column: loc.column + 1, message: err.text };
  }
}

let wccPath;
/** WeChat's WXML compiler, when this machine can run it; else null. */
function wcc() {
  if (wccPath !== undefined) return wccPath;
  wccPath = null;
  if (process.platform !== 'linux' || process.arch !== 'x64') return wccPath;
  let p;
  try {
    p = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin/linux/wcc');
  } catch (e) {
    return wccPath;
  }
  if (!fs.existsSync(p)) return wccPath;
  try {
    fs.chmodSync(p, 0o755);
  } catch (e) {
    // read-only install: try it as it is
  }
  const probe = spawnSync(p, ['-d', '/dev/null'], { encoding: 'utf8' });
  if (!probe.error) wccPath = p;
  return wccPath;
}

function wxmlProblem(text, abs) {
  const bin = wcc();
  if (bin) {
    const res = spawnSync(bin, ['-d', path.basename(abs)], { cwd: path.dirname(abs), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (res.status === 0) return null;
    const out = `${res.stderr || ''}${res.stdout || ''}`.trim();
    // "<file>:LINE:COL: message"
    const m = /^[^\n]*?:(\d+):(\d+):\s*([^\n]*)/.exec(out);
    if (m) return { line: Number(m[1]), column: Math.max(1, Number(m[2])), message: m[3].replace(/\s+$/, '') };
    return { line: 1, column: 1, message: out.split('\n')[0] || `wcc exited with ${res.status}` };
  }
  try {
    require('j-component/src/template/parse')(text, {});
    return null;
  } catch (e) {
    const rest = /^parse error: ([\s\S]*)$/.exec(e.message);
    const at = rest ? position(text, text.length - rest[1].length) : { line: 1, column: 1 };
    const near = rest ? rest[1].split('\n')[0].slice(0, 40) : '';
    return Object.assign(at, { message: rest ? `cannot parse the template here, near \`${near}\`` : e.message });
  }
}

function jsonProblem(text) {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const m = /position (\d+)/.exec(e.message);
    const at = m ? position(text, Number(m[1])) : { line: 1, column: 1 };
    return Object.assign(at, { message: e.message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected/, 'unexpected') });
  }
}

/** A path as the terminal shows it: from the repository's root when inside it. */
function displayPath(abs) {
  const rel = path.relative(ROOT, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
}

function check(abs) {
  const ext = path.extname(abs);
  const text = fs.readFileSync(abs, 'utf8');
  if (ext === '.js') return jsProblem(text, displayPath(abs));
  if (ext === '.wxml') return wxmlProblem(text, abs);
  if (ext === '.json') return jsonProblem(text);
  return null;
}

function listFiles(dir) {
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.') || ent.name === 'node_modules' || ent.name === 'typings') continue;
    const abs = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...listFiles(abs));
    else if (/\.(js|wxml|json)$/.test(ent.name)) out.push(abs);
  }
  return out.sort();
}

/** Every problem under `packageDir`, in file order; [] when all parse. */
function sourceProblems(packageDir) {
  const problems = [];
  const seen = new Set();
  for (const abs of listFiles(packageDir)) {
    seen.add(abs);
    const st = fs.statSync(abs);
    const key = `${st.size}:${st.mtimeMs}`;
    let hit = cache.get(abs);
    if (!hit || hit.key !== key) {
      hit = { key, problem: check(abs) };
      cache.set(abs, hit);
    }
    if (hit.problem) {
      const file = displayPath(abs);
      problems.push(Object.assign({ file }, hit.problem));
    }
  }
  for (const abs of cache.keys()) if (abs.startsWith(packageDir + path.sep) && !seen.has(abs)) cache.delete(abs);
  return problems;
}

/** `file:line:column: message`, the form editors and terminals link. */
function formatProblem(p) {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

module.exports = { sourceProblems, formatProblem, wcc };

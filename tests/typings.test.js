// The declarations the mini program is checked against have teeth: the wx.qy
// ones (miniprogram/typings) and the core's own, generated from its Rust types
// (miniprogram/core/types.d.ts, make types). What `make typecheck` covers
// passes `tsc --checkJs`, and known misuses fail it. Runs on the build output
// (`make build` first: it writes core/glue.d.ts and core/types.d.ts).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
const project = require('../tsconfig.json');

beforeAll(() => {
  const missing = ['miniprogram/core/glue.d.ts', 'miniprogram/core/types.d.ts'].filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run \`make build\` before this test`);
});

function check(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-tsc-'));
  const config = {
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { typeRoots: [path.join(root, 'node_modules')] },
    include: files.map((f) => path.join(root, f)).concat([path.join(root, 'miniprogram/typings/*.d.ts')]),
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
  const res = spawnSync(tsc, ['-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8', cwd: root });
  fs.rmSync(dir, { recursive: true, force: true });
  return (res.stdout || '') + (res.stderr || '');
}

/** The line numbers of `file` that tsc reports errors on. */
function errorLines(out, file) {
  const re = new RegExp(`${file.replace('.', '\\.')}\\((\\d+),\\d+\\): error TS`);
  const lines = new Set(out.split('\n').map((l) => l.match(re)).filter(Boolean).map((m) => Number(m[1])));
  return [...lines].sort((a, b) => a - b);
}

/** The lines of a misuse file marked `// error:`. */
function marked(file) {
  return fs
    .readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .map((l, i) => (/\/\/ error:/.test(l) ? i + 1 : 0))
    .filter(Boolean);
}

test('the app, the shell, the page and the components type-check (what make typecheck covers)', () => {
  const files = project.include.filter((f) => !f.endsWith('.d.ts'));
  expect(files).toEqual(expect.arrayContaining(['miniprogram/pages/**/*.js', 'miniprogram/components/**/*.js']));
  const out = check(files);
  expect(out.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
});

test('misusing wx.qy is a type error on every marked line', () => {
  const out = check(['tests/typings/misuse.js']);
  expect(errorLines(out, 'misuse.js')).toEqual([5, 6, 7, 8]);
});

test('misusing the core (unknown action, wrong event or config, a route or field it has not) is a type error on every marked line, and only there', () => {
  const file = 'tests/typings/core-misuse.js';
  expect(marked(file)).toHaveLength(10);
  const out = check([file]);
  expect(errorLines(out, 'core-misuse.js')).toEqual(marked(file));
});

test('every data-action in the WXML is an action the core knows (the generated ActionName)', () => {
  const types = fs.readFileSync(path.join(root, 'miniprogram/core/types.d.ts'), 'utf8');
  const union = types.match(/export type ActionName = ([^;]+);/);
  expect(union).not.toBeNull();
  const known = new Set(union[1].split('|').map((s) => JSON.parse(s.trim())));
  const used = [];
  const walk = (dir) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.wxml')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/data-action="([^"]*)"/g)) {
          // A literal name, or the names quoted inside a {{…}} expression.
          const names = m[1].includes('{{') ? [...m[1].matchAll(/'([^']*)'/g)].map((q) => q[1]) : [m[1]];
          expect({ file: path.relative(root, p), attr: m[1], names: names.length > 0 }).toEqual({ file: path.relative(root, p), attr: m[1], names: true });
          for (const name of names) used.push({ file: path.relative(root, p), name });
        }
      }
    }
  };
  walk(path.join(root, 'miniprogram'));
  expect(used.length).toBeGreaterThan(15);
  expect(used.filter((u) => !known.has(u.name))).toEqual([]);
});

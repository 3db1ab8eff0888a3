// The wx.qy declarations the shell is checked against have teeth: the shell
// passes `tsc --checkJs`, and known misuses fail it.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');

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

test('the shell type-checks against the wx.qy declarations', () => {
  const out = check(['miniprogram/app.js', 'miniprogram/shell/*.js']);
  expect(out.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
});

test('misusing wx.qy is a type error on every marked line', () => {
  const out = check(['tests/typings/misuse.js']);
  const lines = new Set(
    out
      .split('\n')
      .map((l) => l.match(/misuse\.js\((\d+),\d+\): error TS/))
      .filter(Boolean)
      .map((m) => Number(m[1])),
  );
  expect([...lines].sort((a, b) => a - b)).toEqual([5, 6, 7, 8]);
});

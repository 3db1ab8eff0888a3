#!/usr/bin/env node
// Runs jest and ends with one plain closing line, `jest: N passed, N failed`.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-jest-')), 'result.json');
const args = ['--ci', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
const res = spawnSync(path.join(__dirname, '..', 'node_modules', '.bin', 'jest'), args, { stdio: 'inherit' });
let summary = null;
try {
  summary = JSON.parse(fs.readFileSync(out, 'utf8'));
} catch (err) {
  summary = null;
}
if (summary) {
  console.log(`jest: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed`);
  if (summary.numTotalTests === 0) {
    console.error('jest ran no test');
    process.exit(1);
  }
}
process.exit(res.status === null ? 1 : res.status);

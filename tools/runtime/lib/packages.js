'use strict';
// Code-package sizes, as the client limits them (facts §1): the main package (every file of the
// mini-program folder outside the subpackage roots of app.json) and each subpackage may be at most
// 2 MB, all of them together at most 30 MB. Every file counts (conservative: devtools may leave a
// few out, e.g. project.config.json).

const fs = require('fs');
const path = require('path');
const { subpackageRootsOf } = require('./modules');

const PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024;
const TOTAL_LIMIT_BYTES = 30 * 1024 * 1024;

function readAppJson(packageDir) {
  const file = path.join(packageDir, 'app.json');
  if (!fs.existsSync(file)) throw new Error(`package sizes: no app.json in ${packageDir}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Subpackage roots from app.json (`subPackages` or `subpackages`), normalized: no leading or trailing slash. */
function subpackageRoots(packageDir) {
  return subpackageRootsOf(readAppJson(packageDir));
}

function walk(dir, rel, out) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, ent.name);
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (ent.isDirectory()) walk(abs, r, out);
    else if (ent.isFile()) out.push({ path: r, bytes: fs.statSync(abs).size });
  }
  return out;
}

/**
 * Sizes of the main package and of each subpackage of a built mini-program folder:
 * `{ limit, totalLimit, total, main: { bytes, files[] }, subpackages: [{ root, bytes, files[] }], problems[] }`
 * where files are `{ path, bytes }` (package-relative, largest first) and `problems` lists every
 * package over its limit (empty when all fit).
 */
function packageSizes(packageDir, { limit = PACKAGE_LIMIT_BYTES, totalLimit = TOTAL_LIMIT_BYTES } = {}) {
  const roots = subpackageRoots(packageDir);
  const main = { bytes: 0, files: [] };
  const subpackages = roots.map((root) => ({ root, bytes: 0, files: [] }));
  for (const f of walk(packageDir, '', [])) {
    const sp = subpackages.find((s) => f.path.startsWith(`${s.root}/`));
    const bucket = sp || main;
    bucket.bytes += f.bytes;
    bucket.files.push(f);
  }
  for (const b of [main, ...subpackages]) b.files.sort((a, b2) => b2.bytes - a.bytes || a.path.localeCompare(b2.path));
  const total = main.bytes + subpackages.reduce((n, s) => n + s.bytes, 0);
  const problems = [];
  const top = (b) => b.files.slice(0, 3).map((f) => `${f.path} ${f.bytes} B`).join(', ');
  if (main.bytes > limit) problems.push(`main package is ${main.bytes} B, over the ${limit}-byte limit (largest: ${top(main)})`);
  for (const s of subpackages) {
    if (s.bytes > limit) problems.push(`subpackage "${s.root}" is ${s.bytes} B, over the ${limit}-byte limit (largest: ${top(s)})`);
  }
  if (total > totalLimit) problems.push(`all packages together are ${total} B, over the ${totalLimit}-byte limit`);
  return { limit, totalLimit, total, main, subpackages, problems };
}

module.exports = { packageSizes, subpackageRoots, PACKAGE_LIMIT_BYTES, TOTAL_LIMIT_BYTES };

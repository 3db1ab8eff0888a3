'use strict';
// CommonJS over a mini-program package, as the client does it: require() path resolution, one
// module cache per logic layer, subpackage isolation (app.json subpackages), require.async
// (分包异步化). Shared by the headless runtime (lib/logic.js: files from fs, code run in a vm
// context) and the browser simulator (sim/phone/logic.js: files and code bundled). Browser-safe:
// files and code come in through the hooks a subclass defines.
//
// Subpackages are isolated as on real clients: a plain require of a file inside a subpackage
// root, from code outside that root, throws until the subpackage is loaded (one of its pages
// opened, or require.async resolved a module of it). Code inside a subpackage may require its
// own files and main-package files.

const paths = require('./paths');
const { hasRequireAsync } = require('./features');

/**
 * Resolve a require() argument to a package-relative path (posix), or null. `isFile(rel)` says
 * whether the package has that file.
 */
function resolveRequest(request, fromRel, isFile) {
  if (typeof request !== 'string' || request === '') return null;
  const fromDir = paths.dirname(fromRel || 'app.js');
  const bases = [];
  if (request.startsWith('/')) bases.push(request.slice(1));
  else if (request.startsWith('./') || request.startsWith('../')) bases.push(paths.join(fromDir, request));
  else {
    bases.push(paths.join(fromDir, request)); // the client resolves bare paths relative too
    bases.push(paths.join('miniprogram_npm', request));
  }
  for (const b of bases) {
    const base = paths.normalize(b);
    if (base.startsWith('..')) continue;
    for (const cand of [base, `${base}.js`, `${base}.json`, `${base}/index.js`]) {
      if (isFile(cand)) return cand;
    }
  }
  return null;
}

/** Subpackage roots of an app.json (`subPackages` or `subpackages`), normalized: no leading or trailing slash. */
function subpackageRootsOf(appJson) {
  return (appJson.subPackages || appJson.subpackages || []).map((sp) => {
    if (!sp || typeof sp.root !== 'string' || !sp.root.replace(/^\/+|\/+$/g, '')) {
      throw new Error(`package sizes: app.json subpackage without a root: ${JSON.stringify(sp)}`);
    }
    return paths.normalize(sp.root.replace(/^\/+|\/+$/g, ''));
  });
}

/**
 * The module system of one logic layer. A subclass defines:
 *   isFile(rel)             whether the package has that file
 *   subpackageRoots()       app.json subpackage roots (may throw: then all is the main package)
 *   newModule(rel)          a fresh `module` object ({ exports, id }) of the app's realm
 *   parseJsonModule(rel)    the value of a .json module
 *   compile(rel)            a function (module, require) that runs the .js module
 *   ctxError(message), Promise  the app's realm's
 * and may override asyncDelay(request, fromRel) (ms before require.async loads) and
 * asyncLoaded(entry) (after it resolved). `rt` needs sched, log.requireAsync, scenario, currentFile.
 * A subclass also defines toCtx(value) (a JSON copy in the app's realm).
 */
class ModuleLoader {
  constructor(rt) {
    this.rt = rt;
    this.modules = new Map();
    this.loadedSubpackages = new Set(); // roots whose code the client has (page opened, require.async)
    this.roots = null; // app.json subpackage roots, read on first use
  }

  /** Resolve a require() argument to a package-relative path (posix), or null. */
  resolve(request, fromRel) {
    return resolveRequest(request, fromRel, (rel) => this.isFile(rel));
  }

  makeRequire(fromRel) {
    const req = (request) => {
      const rel = this.resolve(request, fromRel);
      if (!rel) {
        throw this.ctxError(`module "${request}" is not defined, require args is '${request}' (from ${fromRel})`);
      }
      const root = this.subpackageOf(rel);
      if (root && root !== this.subpackageOf(fromRel) && !this.loadedSubpackages.has(root)) {
        throw this.ctxError(`module "${rel}" is not defined, require args is '${request}' (from ${fromRel}; ` +
          `it is in subpackage "${root}", which this client has not loaded: use require.async, or open one of its pages)`);
      }
      return this.load(rel).exports;
    };
    if (hasRequireAsync(this.rt.scenario)) {
      req.async = (request) => this.requireAsync(request, fromRel);
    }
    return req;
  }

  /**
   * require.async(path): a Promise (of the app's realm) of the module's exports. The path is
   * resolved as require resolves it; the module is loaded in a later timer (asyncDelay ms), the
   * way the client first downloads the subpackage. Logged in rt.log.requireAsync.
   */
  requireAsync(request, fromRel) {
    const rt = this.rt;
    const entry = { request: typeof request === 'string' ? request : String(request), from: fromRel, t: rt.sched.now, ok: false };
    rt.log.requireAsync.push(entry);
    return new this.Promise((resolve, reject) => {
      rt.sched.add(() => {
        const rel = this.resolve(request, fromRel);
        if (!rel) {
          entry.error = `module "${request}" is not defined, require.async args is '${request}' (from ${fromRel})`;
          reject(this.ctxError(entry.error));
          return;
        }
        entry.path = rel;
        entry.subpackage = this.subpackageOf(rel);
        const failure = this.downloadFailure(entry.subpackage);
        if (failure) {
          // What the client documents: a plain { mod, errMsg } object, not an Error.
          entry.error = `require.async:fail ${failure}`;
          reject(this.toCtx({ mod: rel, errMsg: entry.error }));
          return;
        }
        let exports;
        try {
          exports = this.load(rel).exports;
        } catch (e) {
          entry.error = e && e.message ? e.message : String(e);
          reject(e);
          return;
        }
        entry.ok = true;
        if (entry.subpackage) this.loadedSubpackages.add(entry.subpackage);
        this.asyncLoaded(entry);
        resolve(exports);
      }, this.asyncDelay(request, fromRel), { internal: true, label: `require.async(${entry.request})` });
    });
  }

  asyncDelay() {
    return 0;
  }

  /**
   * Why this client cannot download a subpackage (`scenario.subpackageErrors`: root → reason), or
   * null: none set, the main package (root null), or already loaded. require.async of its modules
   * rejects with `{ mod, errMsg: 'require.async:fail <reason>' }` (the documented shape, not an
   * Error), and navigating to its pages fails with '<api>:fail <reason>'.
   */
  downloadFailure(root) {
    if (!root || this.loadedSubpackages.has(root)) return null;
    const errors = this.rt.scenario && this.rt.scenario.subpackageErrors;
    const msg = errors && Object.prototype.hasOwnProperty.call(errors, root) ? errors[root] : null;
    return typeof msg === 'string' && msg ? msg : null;
  }

  asyncLoaded() {}

  /** The root of the app.json subpackage holding a package-relative path, or null (main package). */
  subpackageOf(rel) {
    if (!this.roots) {
      try {
        this.roots = this.subpackageRoots();
      } catch (e) {
        this.roots = []; // no or bad app.json: everything is the main package
      }
    }
    for (const root of this.roots) {
      if (rel === root || rel.startsWith(`${root}/`)) return root;
    }
    return null;
  }

  /** The client now has the code of the subpackage holding `rel` (a page of it was opened). */
  markLoaded(rel) {
    const root = this.subpackageOf(rel);
    if (root) this.loadedSubpackages.add(root);
    return root;
  }

  /** Load (once) a package-relative module file. */
  load(rel) {
    const cached = this.modules.get(rel);
    if (cached) return cached;
    const module = this.newModule(rel);
    this.modules.set(rel, module);
    try {
      if (rel.endsWith('.json')) {
        module.exports = this.parseJsonModule(rel);
      } else {
        const run = this.compile(rel);
        const before = this.rt.currentFile;
        this.rt.currentFile = rel;
        try {
          run(module, this.makeRequire(rel));
        } finally {
          this.rt.currentFile = before;
        }
      }
    } catch (e) {
      this.modules.delete(rel);
      throw e;
    }
    return module;
  }

  /** require() from the package root (host-side entry). */
  require(request) {
    return this.makeRequire('app.js')(request);
  }
}

module.exports = { ModuleLoader, resolveRequest, subpackageRootsOf };

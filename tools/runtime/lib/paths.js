'use strict';
// Package paths, shared by the headless runtime and the browser simulator (sim/phone): the part
// of Node's path.posix they use (same results, trailing slashes included), written out so that
// it bundles for the browser, and parseUrl for wx.navigateTo-style urls.

/** path.posix.normalize */
function normalize(p) {
  if (p.length === 0) return '.';
  const abs = p.charCodeAt(0) === 47;
  const trailing = p.charCodeAt(p.length - 1) === 47;
  const out = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
    } else out.push(seg);
  }
  let s = out.join('/');
  if (s.length === 0) {
    if (abs) return '/';
    return trailing ? './' : '.';
  }
  if (trailing) s += '/';
  return abs ? `/${s}` : s;
}

/** path.posix.dirname */
function dirname(p) {
  if (p.length === 0) return '.';
  const hasRoot = p.charCodeAt(0) === 47;
  let end = -1;
  let matchedSlash = true;
  for (let i = p.length - 1; i >= 1; --i) {
    if (p.charCodeAt(i) === 47) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else matchedSlash = false;
  }
  if (end === -1) return hasRoot ? '/' : '.';
  if (hasRoot && end === 1) return '//';
  return p.slice(0, end);
}

/** path.posix.join */
function join(...parts) {
  const joined = parts.filter((x) => x.length > 0).join('/');
  return joined.length === 0 ? '.' : normalize(joined);
}

/** Split 'pages/a/b?x=1&y=2' into a route and a query object (values are strings). */
function parseUrl(url, fromRoute) {
  const [p, q = ''] = String(url).split('?');
  let route = p.replace(/\.html$/, '');
  if (route.startsWith('/')) route = route.slice(1);
  else if (fromRoute && (route.startsWith('./') || route.startsWith('../') || !route.includes('/'))) {
    route = join(dirname(fromRoute), route);
  }
  route = normalize(route);
  const query = {};
  for (const part of q.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
    query[k] = i < 0 ? '' : decodeURIComponent(part.slice(i + 1));
  }
  return { route, query };
}

module.exports = { normalize, dirname, join, parseUrl };

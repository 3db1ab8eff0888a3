'use strict';
// path.posix, the little of it the simulator needs, for the browser.

function normalize(p) {
  const abs = p.startsWith('/');
  const out = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
    } else out.push(seg);
  }
  const s = out.join('/');
  return abs ? `/${s}` : s || '.';
}

function dirname(p) {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

function join(...parts) {
  return normalize(parts.filter((x) => x !== '').join('/'));
}

/** Split 'pages/a/b?x=1&y=2' into a route and a query object (as tests/runtime parseUrl). */
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

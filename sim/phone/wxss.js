'use strict';
// WXSS → CSS for the phone frame: rpx → px (750rpx = the 375px-wide screen, so 1rpx = 0.5px),
// WXML tag selectors → the tags j-component renders (view → wx-view), and component style
// isolation with @scope: a component's rules apply inside its host, down to (not into) the
// components it uses; app.wxss is global, as for components with addGlobalClass.

const RPX_TO_PX = 0.5;
const TAGS = ['view', 'text', 'button', 'input', 'textarea', 'image', 'switch', 'scroll-view', 'swiper', 'swiper-item',
  'label', 'navigator', 'icon', 'picker', 'picker-view', 'checkbox', 'checkbox-group', 'radio', 'radio-group', 'slider',
  'form', 'rich-text', 'progress', 'movable-area', 'movable-view', 'cover-view', 'cover-image', 'video', 'map', 'canvas'];
const TAG_RE = new RegExp(`(^|[\\s>+~,(])(${TAGS.map((t) => t.replace('-', '\\-')).join('|')})(?=$|[\\s.#:\\[>+~,)])`, 'g');

function rpx(css) {
  return css.replace(/(-?\d*\.?\d+)rpx\b/g, (m, n) => `${+(parseFloat(n) * RPX_TO_PX).toFixed(3)}px`);
}

function mapSelector(sel) {
  return sel.replace(TAG_RE, (m, pre, tag) => `${pre}wx-${tag}`);
}

/** Strip comments, then rewrite selectors rule by rule (handles one level of @media/@supports). */
function transform(css) {
  const src = css.replace(/\/\*[\s\S]*?\*\//g, '');
  let out = '';
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{', i);
    if (open < 0) break;
    const head = src.slice(i, open).trim();
    // find the matching close brace
    let depth = 1;
    let j = open + 1;
    while (j < src.length && depth) {
      if (src[j] === '{') depth++;
      else if (src[j] === '}') depth--;
      j++;
    }
    const body = src.slice(open + 1, j - 1);
    if (head.startsWith('@media') || head.startsWith('@supports')) out += `${head} {\n${transform(body)}}\n`;
    else if (head.startsWith('@')) out += `${head} {${body}}\n`;
    else out += `${head.split(',').map((s) => mapSelector(s.trim())).join(', ')} {${body}}\n`;
    i = j;
  }
  return rpx(out);
}

/**
 * @param {string} wxss
 * @param {{scope?: string, limits?: string[]}} o  scope: the host tag; limits: tags of used components
 */
function compile(wxss, o = {}) {
  const css = transform(wxss || '');
  if (!o.scope) return css;
  const limits = (o.limits || []).filter(Boolean);
  return `@scope (${o.scope})${limits.length ? ` to (${limits.join(', ')})` : ''} {\n${css}}\n`;
}

module.exports = { compile, rpx, transform, RPX_TO_PX };

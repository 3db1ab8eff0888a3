// Fixed labels come from the core in the member's language (issue 15): a WXML
// file under miniprogram/ holds no literal text, only {{…}} bindings. This
// test fails on Chinese text anywhere in a WXML file outside comments (in a
// text node, an attribute, or a string literal inside a binding), and on
// words in a text node or in a placeholder/aria-label/title attribute (an
// English literal is a label the Chinese page would show).
//
// EXCEPTIONS holds components still being converted (none now: composer-panel
// reads every label from composer.labels).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '../miniprogram');

const EXCEPTIONS = [];

/** Chinese (and other CJK) characters and the full-width punctuation Chinese text uses. */
const CJK = /[\u2E80-\u2FDF\u3000-\u303F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]|[\u{20000}-\u{2FA1F}]/u;
const WORD = /[A-Za-z]{2,}/;
/** Attributes whose value a member reads or hears. */
const SHOWN_ATTRS = ['placeholder', 'aria-label', 'title', 'confirm-type-text'];

function wxmlFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'miniprogram_npm') wxmlFiles(p, out);
    } else if (entry.name.endsWith('.wxml')) out.push(p);
  }
  return out;
}

const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');
const excepted = (file) => EXCEPTIONS.some((e) => rel(file).startsWith(`${e}/`));

/** The line of an offset, for messages. */
const lineOf = (text, at) => text.slice(0, at).split('\n').length;

/** String literals inside a binding's expression. */
function literals(expr) {
  const out = [];
  const re = /'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"/g;
  let m;
  while ((m = re.exec(expr))) out.push(m[1] !== undefined ? m[1] : m[2]);
  return out;
}

/**
 * What a member would read as literal text in a WXML source: a list of
 * `{line, what, text}`. Comments are left out.
 */
function literalText(source) {
  const found = [];
  const text = source.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  // Chinese anywhere (tags, attributes, bindings).
  const cjk = new RegExp(CJK.source, 'gu');
  let m;
  while ((m = cjk.exec(text))) {
    const line = lineOf(text, m.index);
    const lineText = text.split('\n')[line - 1].trim();
    if (!found.some((f) => f.line === line && f.what === 'Chinese')) found.push({ line, what: 'Chinese', text: lineText });
  }
  // Words in text nodes: between tags, outside bindings, and string literals inside bindings there.
  const node = />([^<]*)</g;
  while ((m = node.exec(text))) {
    const content = m[1];
    const outside = content.replace(/\{\{[\s\S]*?\}\}/g, ' ');
    const inside = (content.match(/\{\{[\s\S]*?\}\}/g) || []).flatMap(literals);
    for (const t of [outside, ...inside]) {
      if (WORD.test(t)) found.push({ line: lineOf(text, m.index), what: 'a word in a text node', text: t.trim() });
    }
    node.lastIndex = m.index + 1 + content.length;
  }
  // Words in attributes a member reads or hears.
  for (const name of SHOWN_ATTRS) {
    const attr = new RegExp(`\\s${name}="([^"]*)"`, 'g');
    while ((m = attr.exec(text))) {
      const value = m[1];
      const outside = value.replace(/\{\{[\s\S]*?\}\}/g, ' ');
      const inside = (value.match(/\{\{[\s\S]*?\}\}/g) || []).flatMap(literals);
      for (const t of [outside, ...inside]) {
        if (WORD.test(t)) found.push({ line: lineOf(text, m.index), what: `a word in ${name}`, text: t.trim() });
      }
    }
  }
  return found;
}

describe('the scanner', () => {
  test('finds Chinese in text, attributes and binding literals, and words in text nodes', () => {
    expect(literalText('<view>保存</view>').map((f) => f.what)).toEqual(['Chinese']);
    expect(literalText('<input placeholder="请输入" />').map((f) => f.what)).toEqual(['Chinese']);
    expect(literalText("<view>{{a ? '加载中' : b}}</view>").map((f) => f.what)).toEqual(['Chinese']);
    expect(literalText('<button>Save</button>').map((f) => f.what)).toEqual(['a word in a text node']);
    expect(literalText("<button>{{busy ? 'Saving' : labels.save}}</button>").map((f) => f.what)).toEqual(['a word in a text node']);
    expect(literalText('<view aria-label="Close">×</view>').map((f) => f.what)).toEqual(['a word in aria-label']);
  });

  test('passes bindings, symbols, class names and comments', () => {
    const ok = [
      '<!-- 客户交接 hooks: .handover-kind -->',
      "<view class=\"btn {{on ? 'btn-primary' : ''}}\" data-action=\"save\">{{labels.save}}</view>",
      '<text>{{item.selected ? \'☑\' : \'☐\'}}</text> {{labels.groupChat}} {{item.id}}',
      '<view class="banner-close" aria-label="{{labels.dismiss}}">×</view>',
      '<view>{{form.remark.text}} / {{n}} · →</view>',
    ].join('\n');
    expect(literalText(ok)).toEqual([]);
  });
});

describe('every WXML file under miniprogram/', () => {
  const files = wxmlFiles(ROOT);

  test('there are WXML files, and every exception still exists', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const e of EXCEPTIONS) expect(fs.existsSync(path.join(ROOT, e))).toBe(true);
  });

  test.each(files.filter((f) => !excepted(f)).map(rel))('%s holds no literal text', (file) => {
    const found = literalText(fs.readFileSync(path.join(ROOT, file), 'utf8'));
    expect(found.map((f) => `${file}:${f.line}: ${f.what}: ${f.text}`)).toEqual([]);
  });
});

/** @jest-environment jsdom */
const simulate = require('miniprogram-simulate');
const exparser = require('miniprogram-exparser');
test('probe', async () => {
  const calls = [];
  const compId = simulate.load({ id: 'cmp1', tagName: 'my-item', template: '<view class="item" bindtap="onTap">{{label}}!</view>', properties: { label: { type: String, value: '' } },
    methods: { onTap() { this.triggerEvent('pick', { label: this.data.label }); } } });
  const pageId = simulate.load({ id: 'page1', tagName: 'page1', template: '<view id="t">{{a.b[2].c}} {{list.length}}</view><input class="in" bindinput="onIn" value="{{v}}"/><my-item wx:for="{{list}}" wx:key="*this" label="{{item}}" bindpick="onPick"/><button catchtap="go" data-x="1">Go</button>', usingComponents: { 'my-item': compId },
    data: { a: { b: [0, 1, { c: 'x' }] }, list: ['p', 'q'], v: '' },
    lifetimes: { created() { calls.push(['created', typeof this.setData, this.is]); }, attached() { calls.push('attached'); }, ready() { calls.push('ready'); } },
    methods: { onPick(e) { calls.push(['pick', e.detail]); }, onIn(e) { calls.push(['in', e.detail]); this.setData({ v: e.detail.value }); }, go(e) { calls.push(['go', e.currentTarget.dataset]); } } });
  const comp = simulate.render(pageId, {});
  const parent = document.createElement('div');
  comp.attach(parent);
  console.log(parent.innerHTML);
  comp.instance.setData({ 'a.b[2].c': 'y', 'list[2]': 'r' });
  console.log(parent.innerHTML, JSON.stringify(comp.instance.data));
  const el = parent.querySelector('my-item .item') || parent.querySelectorAll('.item')[1];
  console.log('el', el && el.outerHTML, !!el.__wxElement);
  exparser.Event.dispatchEvent(el.__wxElement, exparser.Event.create('tap', {}, { bubbles: true, composed: true, capturePhase: true }));
  const b = parent.querySelector('wx-button');
  exparser.Event.dispatchEvent(b.__wxElement, exparser.Event.create('tap', {}, { bubbles: true, composed: true, capturePhase: true }));
  const i = parent.querySelector('.in');
  exparser.Event.dispatchEvent(i.__wxElement, exparser.Event.create('input', {value: 'hello'}, { bubbles: true, composed: true, capturePhase: true }));
  console.log(JSON.stringify(calls), parent.textContent);
  console.log(comp.instance === exparser.Element.getMethodCaller(comp._exparserNode));
});

// Shared by the presentational components: a tap leaves as an 'action'
// event { action, arg } and typing as a 'change' event { field, value, index },
// read from the element's data-action / data-arg / data-field / data-index.
// arg and index are never undefined (null instead); a tap on an element with
// data-disabled is dropped.

/**
 * An 'action' event's detail: a tap for the core. `action` is one of the
 * core's action names (core/types.d.ts, from the Rust list).
 * @typedef {{ action: import('../core/types').ActionName, arg: unknown }} ActionDetail
 */
/**
 * A 'change' event's detail: typing for the core. `index` is a mobile row's
 * data-index (a number, or its text), else null.
 * @typedef {{ field: string, value: string, index: number | string | null }} ChangeDetail
 */

module.exports = Behavior({
  methods: {
    /** @param {WechatMiniprogram.BaseEvent} e a tap, or a switch's change */
    onTap(e) {
      const ds = e.currentTarget.dataset;
      if (ds.disabled) return;
      /** @type {ActionDetail} */
      const detail = { action: ds.action, arg: ds.arg === undefined ? null : ds.arg };
      this.triggerEvent('action', detail);
    },
    /** @param {WechatMiniprogram.Input} e */
    onInput(e) {
      const ds = e.currentTarget.dataset;
      const d = e.detail || { value: '' };
      /** @type {ChangeDetail} */
      const detail = {
        field: ds.field,
        value: d.value === undefined || d.value === null ? '' : d.value,
        index: ds.index === undefined ? null : ds.index,
      };
      this.triggerEvent('change', detail);
    },
  },
});

// @ts-check
// Building the page from data with DOM APIs only: text goes in as text nodes, never as markup.

/**
 * How h() and s() set up an element: `attrs` skips null, undefined and false, and writes true as
 * an empty value; `on` adds event listeners.
 * @typedef {object} ElementOptions
 * @property {string} [className]
 * @property {string | number | null} [text]
 * @property {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @property {Record<string, string>} [dataset]
 * @property {{ [E in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[E]) => void }} [on]
 */

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * An element with `options` and children (nodes or strings, which become text; null, undefined and
 * false are skipped; arrays of them are spread).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {ElementOptions} [options]
 * @param {...(Child | readonly Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, options = {}, ...children) {
  const el = document.createElement(tag);
  applyOptions(el, options);
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element, set up like h().
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {ElementOptions} [options]
 * @param {...Child} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function s(tag, options = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyOptions(el, options);
  el.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/**
 * @param {HTMLElement | SVGElement} el
 * @param {ElementOptions} options
 */
function applyOptions(el, { className, text, attrs, dataset, on }) {
  if (className) el.setAttribute('class', className);
  if (text !== undefined && text !== null) el.textContent = String(text);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  Object.assign(el.dataset, dataset ?? {});
  for (const [event, handler] of Object.entries(on ?? {})) {
    // Each handler takes its own event's type (the `on` map says which); the DOM's signature for
    // any event name is the general one.
    el.addEventListener(event, /** @type {EventListener} */ (handler));
  }
}

/**
 * The page's element with this id, checked to be of this type: index.html holds it, or the page
 * cannot work.
 * @template {Element} E
 * @param {string} id
 * @param {{ new (): E; prototype: E }} type
 * @returns {E}
 */
export function byId(id, type) {
  return checked(document.getElementById(id), type, `#${id}`);
}

/**
 * The first element under `root` that `selector` matches, checked to be of this type.
 * @template {Element} E
 * @param {ParentNode} root
 * @param {string} selector
 * @param {{ new (): E; prototype: E }} type
 * @returns {E}
 */
export function find(root, selector, type) {
  return checked(root.querySelector(selector), type, selector);
}

/**
 * @template {Element} E
 * @param {Element | null} el
 * @param {{ new (): E; prototype: E }} type
 * @param {string} what
 * @returns {E}
 */
function checked(el, type, what) {
  if (!(el instanceof type)) throw new Error(`the page has no ${what} (${type.name})`);
  return el;
}

/**
 * The server-rendered SVG of the graph, parsed as XML and adopted as nodes. Graphviz escapes every
 * label it writes; the parse makes no markup of anything else, and scripts never run here.
 * @param {string} text
 * @returns {Element}
 */
export function svgFromText(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg') {
    throw new Error('the graph is not an SVG document');
  }
  for (const unwanted of root.querySelectorAll('script, foreignObject')) unwanted.remove();
  return document.importNode(root, true);
}

/**
 * A small line chart of `values`, scaled to its own maximum.
 * @param {readonly number[]} values
 * @param {{ width?: number; height?: number }} [size]
 */
export function sparkline(values, { width = 160, height = 28 } = {}) {
  const max = Math.max(0, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(height - 2 - (max > 0 ? (v / max) * (height - 4) : 0)).toFixed(1)}`,
    )
    .join(' ');
  return s(
    'svg',
    {
      className: 'sparkline',
      attrs: { viewBox: `0 0 ${width} ${height}`, width, height, 'aria-hidden': 'true' },
    },
    values.length > 1 ? s('polyline', { attrs: { points } }) : null,
  );
}

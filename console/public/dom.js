// Building the page from data with DOM APIs only: text goes in as text nodes, never as markup.

/**
 * An element with `options` (className, text, attrs, dataset, on) and children (nodes or strings,
 * which become text; null, undefined and false are skipped).
 */
export function h(tag, options = {}, ...children) {
  const el = document.createElement(tag);
  applyOptions(el, options);
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, set up like h(). */
export function s(tag, options = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyOptions(el, options);
  el.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

function applyOptions(el, { className, text, attrs, dataset, on }) {
  if (className) el.setAttribute('class', className);
  if (text !== undefined && text !== null) el.textContent = String(text);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  Object.assign(el.dataset, dataset ?? {});
  for (const [event, handler] of Object.entries(on ?? {})) el.addEventListener(event, handler);
}

/**
 * The server-rendered SVG of the graph, parsed as XML and adopted as nodes. Graphviz escapes every
 * label it writes; the parse makes no markup of anything else, and scripts never run here.
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

/** A small line chart of `values` (numbers), scaled to its own maximum. */
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

// @ts-check
// The routes the mesh has in force per service, each with a form that changes them through the
// same code as `quizmesh route`. A form someone is editing is left alone by the refresh.
import { ApiError, changeRoute, messageOf } from './api.js';
import { byId, find, h } from './dom.js';
import { time } from './format.js';
/** @import { HeaderRoute } from '../../mesh-client/routes/route-request.ts' */
/** @import { RouteChangeRefused } from '../server/route-change.ts' */
/** @import { RoutesView, ServiceRoutes } from '../server/routes-in-force.ts' */

/**
 * A service's card: the routes in force, and a form to change them.
 * @typedef {object} RouteCard
 * @property {string} service
 * @property {string[]} versions the versions when the card was made: one weight input each
 * @property {ServiceRoutes} inForce what the mesh answered last, for the form's reset
 * @property {boolean} dirty whether someone has edited the form since it was filled
 * @property {HTMLElement} root
 * @property {HTMLUListElement} now
 * @property {HTMLDivElement} bar
 * @property {HTMLSpanElement} source
 * @property {HTMLParagraphElement} replaced
 * @property {HTMLDivElement} result
 * @property {Map<string, HTMLInputElement>} weights
 * @property {HTMLSpanElement} sum
 * @property {HTMLDivElement} headerRows
 */

/** @type {Map<string, RouteCard>} service → its card */
const cards = new Map();

/** @param {RoutesView} view */
export function renderRoutes(view) {
  // A cluster has no config generation: say where the routes are read instead.
  byId('generation', HTMLElement).textContent =
    view.generation === undefined
      ? `(${view.where})`
      : `(mesh config generation ${view.generation})`;
  byId('rejected', HTMLElement).replaceChildren(
    ...(view.rejected
      ? [
          h(
            'div',
            { className: 'refused panel' },
            h('p', {
              text: `The mesh refused a change at ${time(new Date(view.rejected.at))}; the config in force stayed:`,
            }),
            findingsList(view.rejected.findings),
          ),
        ]
      : []),
  );
  const root = byId('routes', HTMLElement);
  // Services with versions to split between first.
  const services = [...view.services].sort(
    (a, b) => Number(b.versions.length > 1) - Number(a.versions.length > 1),
  );
  const serviceCards = services.map((service) => {
    let card = cards.get(service.service);
    if (card === undefined) {
      card = routeCard(service);
      cards.set(service.service, card);
    }
    updateCard(card, service);
    return card.root;
  });
  const gatewayCards = view.gateways.map((gateway) =>
    h(
      'article',
      { className: 'route-card panel gateway' },
      h(
        'h4',
        { text: gateway.label },
        h('span', {
          className: 'hint',
          text: ` VirtualService ${gateway.virtualService}${gateway.file ? ` (${gateway.file})` : ''}`,
        }),
      ),
      h(
        'ul',
        { className: 'routes-now' },
        gateway.routes.map((line) => h('li', {}, h('code', { text: line }))),
      ),
    ),
  );
  root.replaceChildren(...serviceCards, ...gatewayCards);
}

/** @param {ServiceRoutes} service */
function routeCard(service) {
  /** @type {RouteCard} */
  const card = {
    service: service.service,
    versions: service.versions,
    inForce: service,
    dirty: false,
    root: h('article', {
      className: `route-card panel${service.versions.length > 1 ? ' versions' : ''}`,
      dataset: { service: service.service },
    }),
    now: h('ul', { className: 'routes-now' }),
    bar: h('div', { className: 'split-bar', attrs: { 'aria-hidden': 'true' } }),
    source: h('span', { className: 'hint' }),
    replaced: h('p', { className: 'warning', attrs: { hidden: true } }),
    result: h('div', { className: 'route-result', attrs: { role: 'status' } }),
    weights: new Map(
      service.versions.map((version) => [
        version,
        h('input', {
          attrs: {
            type: 'number',
            name: `weight-${version}`,
            min: 0,
            max: 100,
            step: 1,
            value: 0,
            'aria-label': `${version} weight`,
          },
        }),
      ]),
    ),
    sum: h('span', { className: 'sum' }),
    headerRows: h('div', { className: 'header-rows' }),
  };
  const presets = service.versions.map((version) =>
    h('button', {
      attrs: { type: 'button' },
      className: 'preset',
      text: `all ${version}`,
      on: {
        click: () => {
          for (const [v, input] of card.weights) input.value = v === version ? '100' : '0';
          edited(card);
        },
      },
    }),
  );
  const changes = h(
    'form',
    {
      className: 'route-form',
      dataset: { service: service.service },
      on: {
        input: () => {
          edited(card);
        },
        submit: (event) => {
          event.preventDefault();
          void apply(card);
        },
      },
    },
    h(
      'fieldset',
      { className: 'weights' },
      h('legend', { text: 'every other call, by weight' }),
      [...card.weights].map(([version, input]) => h('label', {}, version, ' ', input, ' %')),
      card.sum,
      h('span', { className: 'presets' }, presets),
    ),
    h(
      'fieldset',
      { className: 'headers' },
      h('legend', { text: 'first, calls with a header (e.g. x-quiz-player = a player) go to' }),
      card.headerRows,
      h('button', {
        attrs: { type: 'button' },
        className: 'add-header',
        text: '+ header route',
        on: {
          click: () => {
            card.headerRows.append(
              headerRow(card, {
                header: 'x-quiz-player',
                value: '',
                version: service.versions.at(-1) ?? '',
              }),
            );
            edited(card);
          },
        },
      }),
    ),
    h(
      'div',
      { className: 'actions' },
      h('button', { attrs: { type: 'submit' }, className: 'apply', text: 'Apply' }),
      h('button', {
        attrs: { type: 'button' },
        className: 'reset',
        text: 'Reset to what is in force',
        on: {
          click: () => {
            card.dirty = false;
            fill(card, card.inForce);
          },
        },
      }),
      card.replaced,
    ),
    card.result,
  );
  const form =
    service.versions.length > 1
      ? changes
      : h('details', {}, h('summary', { text: 'change' }), changes);
  card.root.append(h('h4', {}, service.service, ' ', card.source), card.bar, card.now, form);
  return card;
}

/**
 * @param {RouteCard} card
 * @param {HeaderRoute} route
 */
function headerRow(card, route) {
  const version = h(
    'select',
    { attrs: { name: 'header-version', 'aria-label': 'version' } },
    card.versions.map((v) =>
      h('option', { attrs: { value: v, selected: v === route.version }, text: v }),
    ),
  );
  /** @type {HTMLDivElement} */
  const row = h(
    'div',
    { className: 'header-row' },
    h('input', {
      attrs: {
        name: 'header-name',
        value: route.header,
        'aria-label': 'header',
        placeholder: 'header',
      },
    }),
    ' = ',
    h('input', {
      attrs: {
        name: 'header-value',
        value: route.value,
        'aria-label': 'value',
        placeholder: 'value',
      },
    }),
    ' → ',
    version,
    h('button', {
      attrs: { type: 'button', 'aria-label': 'remove' },
      className: 'remove',
      text: '✕',
      on: {
        click: () => {
          row.remove();
          edited(card);
        },
      },
    }),
  );
  return row;
}

/**
 * @param {RouteCard} card
 * @param {ServiceRoutes} service
 */
function updateCard(card, service) {
  card.inForce = service;
  card.now.replaceChildren(
    ...(service.routes.length > 0
      ? service.routes.map((line) => h('li', {}, h('code', { text: line })))
      : [
          h('li', {
            className: 'hint',
            text: 'no VirtualService: calls go to any of its versions',
          }),
        ]),
  );
  card.bar.replaceChildren(
    ...service.split
      .filter((w) => w.weight > 0)
      .map((w) => {
        const segment = h('span', {
          className: `segment version-${card.versions.indexOf(w.version) % 4}`,
          text: `${w.version} ${w.weight}%`,
        });
        segment.style.flexGrow = String(w.weight);
        return segment;
      }),
  );
  card.bar.hidden = service.split.length === 0 || card.versions.length < 2;
  card.source.textContent = service.virtualService
    ? `VirtualService ${service.virtualService}${service.file ? ` (${service.file})` : ''}`
    : '';
  card.replaced.hidden = service.replaced.length === 0;
  card.replaced.textContent = `Applying replaces routes this form does not show: ${service.replaced.join('; ')}`;
  if (!card.dirty) fill(card, service);
}

/**
 * @param {RouteCard} card
 * @param {ServiceRoutes} service
 */
function fill(card, service) {
  const weights = new Map(service.split.map((w) => [w.version, w.weight]));
  const [only, ...others] = card.versions;
  if (service.split.length === 0 && only !== undefined && others.length === 0) {
    weights.set(only, 100);
  }
  for (const [version, input] of card.weights) input.value = String(weights.get(version) ?? 0);
  card.headerRows.replaceChildren(...service.headers.map((route) => headerRow(card, route)));
  showSum(card);
}

/** @param {RouteCard} card */
function edited(card) {
  card.dirty = true;
  showSum(card);
}

/** @param {RouteCard} card */
function showSum(card) {
  const sum = [...card.weights.values()].reduce(
    (total, input) => total + (Number(input.value) || 0),
    0,
  );
  card.sum.textContent = `= ${sum}%`;
  card.sum.classList.toggle('bad', sum !== 100);
}

/** @param {RouteCard} card */
async function apply(card) {
  const split = [...card.weights].map(([version, input]) => ({
    version,
    weight: Number(input.value) || 0,
  }));
  const nonZero = split.filter((w) => w.weight > 0);
  const headers = [...card.headerRows.querySelectorAll('.header-row')]
    .map((row) => ({
      header: find(row, '[name=header-name]', HTMLInputElement).value.trim(),
      value: find(row, '[name=header-value]', HTMLInputElement).value,
      version: find(row, '[name=header-version]', HTMLSelectElement).value,
    }))
    .filter((route) => route.header !== '' || route.value !== '');
  card.result.className = 'route-result pending';
  card.result.replaceChildren(h('p', { text: 'applying…' }));
  try {
    const answer = await changeRoute(card.service, {
      split: nonZero.length > 0 ? nonZero : split,
      headers,
    });
    card.dirty = false;
    card.result.className = `route-result ok ${answer.outcome}`;
    card.result.replaceChildren(
      h('p', { text: `${answer.route}: ${answer.message}` }),
      ...answer.warnings.map((warning) => h('p', { className: 'warning', text: warning })),
    );
  } catch (error) {
    card.result.className = 'route-result refused';
    card.result.replaceChildren(
      h('p', { text: messageOf(error) }),
      findingsList(refusalFindings(error)),
    );
  }
}

/**
 * The mesh's findings on a change it refused; other refusals (a 400 naming a field) have none.
 * @param {unknown} error
 * @returns {readonly string[]}
 */
function refusalFindings(error) {
  if (!(error instanceof ApiError)) return [];
  // The console answers a refused change with a RouteChangeRefused, any other error with `{ error }`.
  const body = /** @type {Partial<RouteChangeRefused> | undefined} */ (error.body);
  return body?.findings ?? [];
}

/** @param {readonly string[]} findings */
function findingsList(findings) {
  return h(
    'ul',
    { className: 'findings-list' },
    findings.map((finding) => h('li', {}, h('code', { text: finding }))),
  );
}

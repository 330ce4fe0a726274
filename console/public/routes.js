// The routes the mesh has in force per service, each with a form that changes them through the
// same code as `quizmesh route`. A form someone is editing is left alone by the refresh.
import { postJson } from './api.js';
import { h } from './dom.js';
import { time } from './format.js';

/** service → its card, its form, and whether someone has edited the form since it was filled. */
const cards = new Map();

export function renderRoutes(view) {
  // A cluster has no config generation: say where the routes are read instead.
  document.getElementById('generation').textContent =
    view.generation === undefined
      ? `(${view.where})`
      : `(mesh config generation ${view.generation})`;
  document.getElementById('rejected').replaceChildren(
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
  const root = document.getElementById('routes');
  const services = [...view.services].sort(
    (a, b) => (b.versions.length > 1) - (a.versions.length > 1),
  );
  for (const service of services) {
    let card = cards.get(service.service);
    if (card === undefined) {
      card = routeCard(service);
      cards.set(service.service, card);
    }
    updateCard(card, service);
  }
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
  root.replaceChildren(
    ...services.map((service) => cards.get(service.service).root),
    ...gatewayCards,
  );
}

function routeCard(service) {
  const card = { service: service.service, dirty: false, versions: service.versions };
  card.now = h('ul', { className: 'routes-now' });
  card.bar = h('div', { className: 'split-bar', attrs: { 'aria-hidden': 'true' } });
  card.source = h('span', { className: 'hint' });
  card.replaced = h('p', { className: 'warning', attrs: { hidden: true } });
  card.result = h('div', { className: 'route-result', attrs: { role: 'status' } });
  card.weights = new Map(
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
  );
  card.sum = h('span', { className: 'sum' });
  card.headerRows = h('div', { className: 'header-rows' });
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
  card.form = h(
    'form',
    {
      className: 'route-form',
      dataset: { service: service.service },
      on: {
        input: () => edited(card),
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
      ? card.form
      : h('details', {}, h('summary', { text: 'change' }), card.form);
  card.root = h(
    'article',
    {
      className: `route-card panel${service.versions.length > 1 ? ' versions' : ''}`,
      dataset: { service: service.service },
    },
    h('h4', {}, service.service, ' ', card.source),
    card.bar,
    card.now,
    form,
  );
  return card;
}

function headerRow(card, route) {
  const version = h(
    'select',
    { attrs: { name: 'header-version', 'aria-label': 'version' } },
    card.versions.map((v) =>
      h('option', { attrs: { value: v, selected: v === route.version }, text: v }),
    ),
  );
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

function fill(card, service) {
  const weights = new Map(service.split.map((w) => [w.version, w.weight]));
  if (service.split.length === 0 && card.versions.length === 1) weights.set(card.versions[0], 100);
  for (const [version, input] of card.weights) input.value = String(weights.get(version) ?? 0);
  card.headerRows.replaceChildren(...service.headers.map((route) => headerRow(card, route)));
  showSum(card);
}

function edited(card) {
  card.dirty = true;
  showSum(card);
}

function showSum(card) {
  const sum = [...card.weights.values()].reduce(
    (total, input) => total + (Number(input.value) || 0),
    0,
  );
  card.sum.textContent = `= ${sum}%`;
  card.sum.classList.toggle('bad', sum !== 100);
}

async function apply(card) {
  const split = [...card.weights].map(([version, input]) => ({
    version,
    weight: Number(input.value) || 0,
  }));
  const nonZero = split.filter((w) => w.weight > 0);
  const headers = [...card.headerRows.querySelectorAll('.header-row')]
    .map((row) => ({
      header: row.querySelector('[name=header-name]').value.trim(),
      value: row.querySelector('[name=header-value]').value,
      version: row.querySelector('[name=header-version]').value,
    }))
    .filter((route) => route.header !== '' || route.value !== '');
  card.result.className = 'route-result pending';
  card.result.replaceChildren(h('p', { text: 'applying…' }));
  try {
    const answer = await postJson(`/api/routes/${encodeURIComponent(card.service)}`, {
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
      h('p', { text: error.message }),
      findingsList(error.body?.findings ?? []),
    );
  }
}

function findingsList(findings) {
  return h(
    'ul',
    { className: 'findings-list' },
    findings.map((finding) => h('li', {}, h('code', { text: finding }))),
  );
}

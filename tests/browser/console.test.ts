// The mesh console in a real browser (Debian's chromium, driven by playwright-core) against the
// real local mode on a private copy of mesh-config/, with quiz rounds played throughout: the graph
// shows every service; the N+1 loop of quiz v1 is flagged on the graph, in the trace list and in
// the waterfall, and the flag goes once v3 serves; shifting weights in the console changes the route
// the mesh applies, as its own metrics show; markup in a player's name or a span stays text; and a
// `quizmesh canary` run shows with its checks and verdict.
// Screenshots go to tests/artifacts/ (gitignored).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parsePrometheusText } from '../../mesh-client/prometheus/prometheus-text.ts';
import { startLocalMode, type RunningLocalMode } from '../support/local-mode.ts';
import { meshConfigCopy } from '../support/mesh-config.ts';
import { playRounds, type RoundTraffic } from '../support/quiz-traffic.ts';
import { runQuizmesh } from '../support/quizmesh-cli.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const HOSTILE = '<img src=x onerror=alert(1)>';
const APPS = ['frontend', 'quiz', 'images', 'descriptions', 'scores'];
const N_PLUS_ONE_EDGE = '#graph svg g.edge.n-plus-one';
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

describe('the mesh console in a browser', () => {
  let local: RunningLocalMode;
  let traffic: RoundTraffic;
  let browser: Browser;
  let page: Page;
  let consoleUrl = '';
  /** Dialogs the page opened (alert() from injected markup would be one). */
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  /** What the browser refused under the Content-Security-Policy. */
  const refusals: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [local, browser] = await Promise.all([
      startLocalMode({ QUIZMESH_MESH_CONFIG: meshConfigCopy() }),
      chromium.launch(LAUNCH),
    ]);
    consoleUrl = local.state.consoleUrl ?? assert.fail('local mode wrote no consoleUrl');
    traffic = playRounds(local.state.siteUrl, ['ana', 'ben', HOSTILE]);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) refusals.push(message.text());
    });
  });

  after(async () => {
    await browser.close();
    await traffic.stop();
    await local.stop();
  });

  const shot = (name: string): Promise<Buffer> =>
    page.screenshot({ path: `${ARTIFACTS}console-${name}.png`, fullPage: true });

  /** Calls each quiz version received, as its destination sidecar counts them. */
  async function quizCallsByVersion(): Promise<Record<string, number>> {
    const text = await (await fetch(local.state.meshStatsUrl)).text();
    const calls: Record<string, number> = {};
    for (const sample of parsePrometheusText(text)) {
      const { labels } = sample;
      if (sample.name !== 'istio_requests_total' || labels.reporter !== 'destination') continue;
      if (labels.destination_service_name !== 'quiz') continue;
      const version = labels.destination_version ?? '?';
      calls[version] = (calls[version] ?? 0) + sample.value;
    }
    return calls;
  }

  it('draws the graph with all five services, under a policy that allows no inline script', async () => {
    const response = await page.goto(`${consoleUrl}/#graph`);
    assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    // Each app is a box (a Graphviz cluster) labelled with its name, holding its versions.
    for (const app of APPS) {
      await page.locator(`#graph svg g.cluster[id="app:${app}"]`).waitFor({ timeout: 20_000 });
    }
    const labels = await page.locator('#graph svg g.cluster > text').allTextContents();
    assert.deepEqual(
      APPS.filter((app) => !labels.includes(app)),
      [],
    );
    assert.equal(await page.locator('#graph svg g.node[id="workload:quiz:v1"]').count(), 1);
    await shot('graph');
  });

  it('flags the N+1 loop of quiz v1 on its graph edge, in the trace list and in the waterfall', async () => {
    const edge = page.locator(
      `${N_PLUS_ONE_EDGE}[id="workload:quiz:v1->workload:descriptions:v1"]`,
    );
    await edge.waitFor({ timeout: 30_000 });
    assert.match((await edge.locator('text').allTextContents()).join(' '), /N\+1 ×\d+/);
    assert.equal(await page.locator(N_PLUS_ONE_EDGE).count(), 1);

    await page.goto(`${consoleUrl}/#traces`);
    await page.locator('#trace-filters input[name=nPlusOne]').check();
    const flagged = page.locator('#trace-list tbody tr.n-plus-one').first();
    await flagged.waitFor({ timeout: 15_000 });
    assert.match(
      await flagged.locator('.badge.n-plus-one').first().innerText(),
      /N\+1 quiz v1 → descriptions ×\d+/,
    );
    await flagged.locator('a').click();
    await page.locator('#waterfall .row.n-plus-one').first().waitFor({ timeout: 10_000 });
    assert.ok((await page.locator('#waterfall .row.n-plus-one').count()) >= 10);
    await shot('waterfall');
  });

  it("shows quiz v1's rounds per group of players as a line under its RED row", async () => {
    await page.goto(`${consoleUrl}/#red`);
    // The players here are all named in ASCII; v1 fails some of their rounds, whoever they are.
    const line = page.locator(
      '#red-table tr.player-group[data-version="v1"][data-charset="ascii"]',
    );
    await line.waitFor({ timeout: 20_000 });
    const cells = await line.locator('td').allTextContents();
    assert.equal(cells[0], 'players ascii');
    assert.match(cells[1] ?? '', /rounds/);
    const row = page.locator('#red-table tr[data-service="quiz"][data-version="v1"]');
    assert.equal(await row.count(), 1);
    await shot('red');
  });

  it('shifts quiz to v3 from the console, and the mesh routes calls to v3 only', async () => {
    const before = await quizCallsByVersion();
    assert.equal(before.v3 ?? 0, 0, 'v3 took no calls before the shift');

    await page.goto(`${consoleUrl}/#canary`);
    const form = page.locator('form.route-form[data-service=quiz]');
    await form.locator('input[name=weight-v1]').waitFor();
    await form.getByRole('button', { name: 'all v3' }).click();
    await form.getByRole('button', { name: 'Apply' }).click();
    await form
      .locator('.route-result.ok')
      .filter({ hasText: /quiz: v3 100%: applied by the mesh/ })
      .waitFor({ timeout: 10_000 });
    await page
      .locator('article.route-card[data-service=quiz] .routes-now')
      .filter({ hasText: /^quiz v3$/ })
      .waitFor({ timeout: 5_000 });
    await shot('canary-v3');

    // Rounds v1 was building when the route changed finish first (v1's take ~0.2 s).
    await sleep(2_000);
    const shifted = await quizCallsByVersion();
    await sleep(2_500);
    const later = await quizCallsByVersion();
    assert.ok((later.v3 ?? 0) > (shifted.v3 ?? 0), `v3 takes calls: ${JSON.stringify(later)}`);
    assert.equal(later.v1, shifted.v1, `v1 takes none: ${JSON.stringify([shifted, later])}`);
  });

  it('drops the N+1 flag once v3 serves and recent traces hold no loop', async () => {
    await page.goto(`${consoleUrl}/#graph`);
    await page.locator('#graph svg g.node[id="workload:quiz:v3"]').waitFor({ timeout: 10_000 });
    await page.locator(N_PLUS_ONE_EDGE).waitFor({ state: 'detached', timeout: 40_000 });
    assert.equal(await page.locator('#graph-findings li').count(), 0);
    // v1 is still drawn (its counters stay, idle): the mark went, not the node.
    assert.equal(await page.locator('#graph svg g.node[id="workload:quiz:v1"]').count(), 1);
    await shot('graph-v3');
  });

  it('shows a player named <img src=x onerror=alert(1)> as text, in routes and in traces', async () => {
    // A header route for the player, set in the console's own form.
    await page.goto(`${consoleUrl}/#canary`);
    const form = page.locator('form.route-form[data-service=quiz]');
    await form.getByRole('button', { name: '+ header route' }).click();
    const row = form.locator('.header-row').last();
    await row.locator('[name=header-value]').fill(HOSTILE);
    await row.locator('[name=header-version]').selectOption('v3');
    await form.getByRole('button', { name: 'Apply' }).click();
    await form
      .locator('.route-result.ok')
      .filter({ hasText: HOSTILE })
      .waitFor({ timeout: 10_000 });
    const inForce = page
      .locator('article.route-card[data-service=quiz] .routes-now code')
      .filter({ hasText: `match x-quiz-player=${HOSTILE} → quiz v3` });
    await inForce.waitFor({ timeout: 5_000 });

    // A span naming the player, as any instrumented app could report it to Zipkin; the newest
    // trace once the rounds stop.
    assert.ok((await traffic.stop()) > 0, 'rounds were played');
    const traceId = randomBytes(16).toString('hex');
    const spans = [
      {
        traceId,
        id: randomBytes(8).toString('hex'),
        name: HOSTILE,
        kind: 'SERVER',
        timestamp: Date.now() * 1000,
        duration: 1_500,
        localEndpoint: { serviceName: 'frontend' },
        tags: { 'quiz.player': HOSTILE, 'http.route': '/api/round' },
      },
    ];
    const posted = await fetch(`${local.state.zipkinUrl}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spans),
    });
    assert.equal(posted.status, 202);

    await page.goto(`${consoleUrl}/#traces/${traceId}`);
    await page.locator('#trace-filters input[name=nPlusOne]').uncheck();
    const listed = page.locator(`#trace-list tr[data-trace-id="${traceId}"] .name`);
    await listed.waitFor({ timeout: 10_000 });
    assert.equal(await listed.textContent(), HOSTILE);
    const spanRow = page.locator('#waterfall .row').filter({ hasText: HOSTILE });
    await spanRow.click();
    const tag = page.locator('#waterfall .details:not([hidden]) td').filter({ hasText: HOSTILE });
    assert.equal(await tag.textContent(), HOSTILE);
    await shot('hostile');

    assert.equal(await page.locator('img').count(), 0, 'no img element was made from the name');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(refusals, [], 'nothing needed the policy to stop it');
  });

  it('shows the steps, checks and verdict of a quizmesh canary run', async () => {
    // The rounds have stopped: a canary now sees silence, fails twice for lack of data and rolls back.
    const args = 'canary quiz --from v3 --to v1 --step 50 --max-weight 50 --interval 1s';
    const result = await runQuizmesh(args.split(' '), { QUIZMESH_HOME: local.home });
    assert.equal(result.code, 1, result.stdout + result.stderr);

    await page.goto(`${consoleUrl}/#canary`);
    const card = page.locator('article.rollout[data-service=quiz]');
    await card.locator('.badge.phase.rolled-back').waitFor({ timeout: 10_000 });
    assert.equal(await card.locator('h4').textContent(), 'quiz: v3 → v1');
    const checks = card.locator('table.checks tbody tr');
    assert.equal(await checks.count(), 2);
    assert.match(
      (await checks.nth(0).textContent()) ?? '',
      /no data no requests reached quiz-v1 in the last 1s.*hold/,
    );
    assert.match((await checks.nth(1).textContent()) ?? '', /rollback$/);
    await shot('canary-rollout');
  });
});

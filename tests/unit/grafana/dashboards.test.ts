// The dashboards as code: the committed JSON is what the code generates, and every query is PromQL
// about metrics and labels the code really emits.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from '../../../grafana/src/dashboards.ts';
import {
  dashboardVariables,
  labelValuesQuery,
  panelQueries,
} from '../../../grafana/src/panel-queries.ts';
import { emittedMetrics, promqlProblems } from '../../support/emitted-metrics.ts';

const OUT = fileURLToPath(new URL('../../../grafana/dashboards/', import.meta.url));
const built = Object.values(DASHBOARDS).map((build) => build().build());
const vocabulary = emittedMetrics();

describe('dashboards as code', () => {
  for (const [file, build] of Object.entries(DASHBOARDS)) {
    it(`grafana/dashboards/${file} is what the code generates (run npm run dashboards)`, () => {
      const committed = readFileSync(`${OUT}${file}`, 'utf8');
      assert.ok(committed === renderDashboard(build), `${file} is stale: run npm run dashboards`);
    });
  }

  it('grafana/dashboards holds no JSON the code does not generate', () => {
    const files = readdirSync(OUT).filter((f) => f.endsWith('.json'));
    assert.deepEqual(files.sort(), Object.keys(DASHBOARDS).sort());
  });

  it('every panel has at least one query, and dashboards have unique uids', () => {
    for (const dashboard of built)
      for (const panel of dashboard.panels ?? [])
        assert.ok(
          panelQueries({ ...dashboard, panels: [panel] }).length > 0,
          `${dashboard.title} / ${panel.title ?? ''} has no query`,
        );
    const uids = built.map((d) => d.uid);
    assert.equal(new Set(uids).size, uids.length);
  });

  for (const dashboard of built) {
    it(`every query of ${dashboard.title} parses and names only emitted metrics and labels`, () => {
      const problems = panelQueries(dashboard).flatMap((q) =>
        promqlProblems(q.expr, vocabulary).map((p) => `${q.panel} [${q.refId}]: ${p}\n  ${q.expr}`),
      );
      for (const variable of dashboardVariables(dashboard)) {
        if (!variable.query) continue;
        const { selector } = labelValuesQuery(variable.query);
        problems.push(
          ...promqlProblems(selector, vocabulary).map((p) => `$${variable.name}: ${p}`),
        );
      }
      assert.deepEqual(problems, []);
    });
  }

  it('the checker catches a misspelled metric, a foreign label and bad syntax', () => {
    assert.match(promqlProblems('rate(istio_request_total[1m])', vocabulary).join(), /not emitted/);
    assert.match(
      promqlProblems('sum by (peer_service) (istio_requests_total)', vocabulary).join(),
      /label peer_service/,
    );
    assert.match(promqlProblems('sum by (le (x', vocabulary).join(), /syntax error/);
  });
});

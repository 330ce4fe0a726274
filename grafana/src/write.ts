// `npm run dashboards`: regenerates grafana/dashboards/*.json from the code in this folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from './dashboards.ts';

const OUT = fileURLToPath(new URL('../dashboards/', import.meta.url));
mkdirSync(OUT, { recursive: true });
for (const [file, build] of Object.entries(DASHBOARDS)) {
  writeFileSync(`${OUT}${file}`, renderDashboard(build));
  process.stdout.write(`wrote grafana/dashboards/${file}\n`);
}

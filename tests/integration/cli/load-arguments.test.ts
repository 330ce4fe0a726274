// `quizmesh` run as a user would run it, in a child process, to check exit codes and which stream
// each message goes to.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';

/** The developer's own QUIZMESH_URL must not leak into the test. */
function quizmesh(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runQuizmesh(args, { QUIZMESH_URL: undefined, ...env });
}

test('quizmesh with an unknown command prints the usage on stderr and exits 2', async () => {
  const result = await quizmesh(['fly']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown command 'fly'/);
  assert.match(result.stderr, /Usage: quizmesh <command>/);
  assert.equal(result.stdout, '');
});

test('quizmesh help lists the load command and exits 0', async () => {
  const result = await quizmesh(['help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^\s+load\s+/m);
});

test('quizmesh help load shows the load options', async () => {
  const result = await quizmesh(['help', 'load']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /--concurrency <n>/);
});

test('quizmesh load with a bad option says which and exits 2', async () => {
  const result = await quizmesh(['load', '--rps', '0']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--rps "0": must be greater than 0/);
});

test('quizmesh load --json prints a parseable summary and exits 0 despite server errors', async () => {
  const site = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const { port } = site.address() as AddressInfo;
  try {
    const result = await quizmesh(['load', '--duration', '500ms', '--json', '--quiet'], {
      QUIZMESH_URL: `http://127.0.0.1:${port}`,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const summary = JSON.parse(result.stdout) as { requests: { errorsByStatus: object } };
    assert.deepEqual(summary.requests.errorsByStatus, { '503': 10 });
  } finally {
    site.closeAllConnections();
    site.close();
  }
});

test('quizmesh load against a closed port prints why and exits 1', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  const result = await quizmesh([
    'load',
    '--url',
    `http://127.0.0.1:${port}`,
    '--duration',
    '300ms',
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /never answered \(ECONNREFUSED\)/);
  // Not a terminal, so the live line is written as whole lines.
  assert.match(result.stderr, /^0\.\ds\/0\.3s \| .* ECONNREFUSED×6 \| p50\/p99 .*\n$/m);
});

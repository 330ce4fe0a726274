// Hostile request bodies through the real local mode's mesh: many concurrent large uploads and
// slow ones. The mesh streams bodies and keeps at most a bounded copy of them for retries, which
// its stats page counts (quizmesh_proxy_request_body_buffered_bytes and its peak); the app behind
// it answers 413 (express reads a body it refuses to its end, so the answer comes once the upload
// has arrived), and the site keeps answering players throughout.
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  RETRY_BUFFER_BUDGET_BYTES,
  RETRY_BUFFER_LIMIT_BYTES,
} from '../../../mesh/proxy/retry-buffers.ts';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';

const MB = 1024 * 1024;
const UPLOAD_BYTES = 9.5 * MB;
const CONCURRENT = 40;
/** The most one socket read hands the proxy at once (Node reads 64 KiB at a time). */
const READ_CHUNK = 64 * 1024;
const ANSWER_PATH = '/api/round/0123456789abcdef/answer';

interface Upload {
  status: number;
}

/**
 * POSTs `size` bytes of JSON-typed body in `chunk`-sized writes, `pauseMs` apart; `first` bytes go
 * before `between` runs. Resolves once the answer and the upload both ended (or the mesh closed).
 */
function upload(
  siteUrl: string,
  options: { size: number; chunk?: number; pauseMs?: number; lengthKnown?: boolean },
): Promise<Upload> {
  const { size, chunk = READ_CHUNK, pauseMs = 0, lengthKnown = true } = options;
  return new Promise((resolve, reject) => {
    const req = http.request(`${siteUrl}${ANSWER_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(lengthKnown ? { 'content-length': String(size) } : {}),
      },
      agent: false,
    });
    let sent = 0;
    let answer: Upload | undefined;
    req.on('response', (res) => {
      answer = { status: res.statusCode ?? 0 };
      res.resume();
    });
    const settle = (err: Error): void => {
      if (answer) resolve(answer);
      else reject(err);
    };
    req.on('error', settle);
    req.on('close', () => {
      settle(new Error('closed unanswered'));
    });
    const bytes = Buffer.alloc(chunk, ' ');
    void (async () => {
      while (sent < size && !req.destroyed) {
        const n = Math.min(chunk, size - sent);
        sent += n;
        if (!req.write(bytes.subarray(0, n))) await new Promise((r) => req.once('drain', r));
        if (pauseMs > 0) await sleep(pauseMs);
      }
      req.end();
    })().catch(reject);
  });
}

async function meshGauge(local: RunningLocalMode, name: string): Promise<number> {
  const text = await (await fetch(local.state.meshStatsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `the mesh's stats page has no ${name}`);
  return Number(line.slice(name.length + 1));
}

async function siteAnswersPage(siteUrl: string): Promise<boolean> {
  const page = await fetch(`${siteUrl}/`, { signal: AbortSignal.timeout(5_000) });
  return page.status === 200 && (await page.text()).includes('quizmesh');
}

describe('hostile request bodies through the mesh', () => {
  let local: RunningLocalMode;
  before(async () => {
    local = await startLocalMode({ QUIZMESH_MESH_CONFIG: meshConfigCopy() });
  });
  after(async () => {
    await (local as RunningLocalMode | undefined)?.stop();
  });

  it('a 9.5 MB upload streams through to the app (413), the mesh keeping at most one retry buffer of it', async () => {
    const answer = await upload(local.state.siteUrl, { size: UPLOAD_BYTES, pauseMs: 5 });
    assert.equal(answer.status, 413);
    const peak = await meshGauge(local, 'quizmesh_proxy_request_body_buffered_bytes_peak');
    assert.ok(peak <= RETRY_BUFFER_LIMIT_BYTES, `the mesh held ${peak} bytes of one body`);
    assert.equal(await meshGauge(local, 'quizmesh_proxy_request_body_buffered_bytes'), 0);
  });

  it(`${CONCURRENT} concurrent 9.5 MB uploads: each 413, the mesh's copy of bodies stays bounded, the site answers`, async () => {
    const uploads = Array.from({ length: CONCURRENT }, () =>
      upload(local.state.siteUrl, { size: UPLOAD_BYTES }),
    );
    assert.ok(await siteAnswersPage(local.state.siteUrl), 'the page did not load during uploads');
    const answers = await Promise.all(uploads);
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 413),
    );
    const peak = await meshGauge(local, 'quizmesh_proxy_request_body_buffered_bytes_peak');
    const bound = Math.min(
      CONCURRENT * (RETRY_BUFFER_LIMIT_BYTES + READ_CHUNK),
      RETRY_BUFFER_BUDGET_BYTES + CONCURRENT * READ_CHUNK,
    );
    assert.ok(peak <= bound, `the mesh held ${peak} bytes of bodies at once (bound ${bound})`);
    assert.equal(await meshGauge(local, 'quizmesh_proxy_request_body_buffered_bytes'), 0);
    assert.ok(await siteAnswersPage(local.state.siteUrl));
  });

  it('slow uploads of unknown length do not stall the site, and leave nothing held', async () => {
    const slow = Array.from({ length: 20 }, () =>
      upload(local.state.siteUrl, { size: 64 * 1024, chunk: 512, pauseMs: 20, lengthKnown: false }),
    );
    await sleep(300);
    for (let i = 0; i < 3; i++) {
      assert.ok(await siteAnswersPage(local.state.siteUrl), 'the page did not load');
      const board = await fetch(`${local.state.siteUrl}/api/leaderboard`);
      assert.equal(board.status, 200);
    }
    const answers = await Promise.all(slow);
    // express.json's 16 KB limit, found once that much has arrived.
    for (const answer of answers) assert.equal(answer.status, 413);
    assert.equal(await meshGauge(local, 'quizmesh_proxy_request_body_buffered_bytes'), 0);
  });
});

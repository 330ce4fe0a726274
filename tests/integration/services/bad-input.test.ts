// Every endpoint of every service, fed bad input through the real local mode: each answer is the
// right 4xx with a readable JSON error, never a 500 or a crash, and an answer counts exactly once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { meshTokenHeaders } from '../../support/mesh-token.ts';

type Lazy<T> = T | (() => T);
const resolve = <T>(value: Lazy<T>): T =>
  typeof value === 'function' ? (value as () => T)() : value;

interface BadRequest {
  /** Finishes the sentence "<endpoint> … returns <status>". */
  when: string;
  path: Lazy<string>;
  headers?: Record<string, string>;
  /** Sent as application/json; a string is sent as is (malformed JSON). */
  json?: Lazy<unknown>;
  /** Sent with its own content type. */
  raw?: { type: string; text: string };
  status: number;
  error: RegExp;
}

interface Endpoint {
  workload: string;
  method: 'GET' | 'POST';
  route: string;
  cases: BadRequest[];
}

interface JsonAnswer {
  status: number;
  contentType: string;
  body: unknown;
}

let local: RunningLocalMode;
/** A live round, built by quiz v3 and never answered: bad answers to it must not consume it. */
const live = { roundId: '', images: [] as string[], notInRound: '' };

const UNKNOWN_ROUND = randomBytes(75).toString('base64url'); // 100 well-formed characters
const LONG_NAME = 'a'.repeat(33);
const LONG_CJK_NAME = '李'.repeat(33);
const HUGE_STRING = 'x'.repeat(10_000); // long, yet under the 16 kB body cap
const OVER_16_KB = 'x'.repeat(20_000);
const TOO_LONG_ID = 'a'.repeat(41);
const UNDECODABLE = '%E0%A4%A';

/** The live round's id with one character in the middle changed: its seal no longer checks. */
function tampered(id: string): string {
  const at = Math.floor(id.length / 2);
  return `${id.slice(0, at)}${id[at] === 'A' ? 'B' : 'A'}${id.slice(at + 1)}`;
}

async function send(
  workload: string,
  method: 'GET' | 'POST',
  request: Pick<BadRequest, 'path' | 'headers' | 'json' | 'raw'>,
): Promise<JsonAnswer> {
  // Straight to the instance, with what the mesh adds (local mode refuses calls around it).
  const headers: Record<string, string> = { ...meshTokenHeaders(local), ...request.headers };
  let body: string | undefined;
  if (request.raw) {
    headers['content-type'] = request.raw.type;
    body = request.raw.text;
  } else if (request.json !== undefined) {
    const json = resolve(request.json);
    headers['content-type'] = 'application/json';
    body = typeof json === 'string' ? json : JSON.stringify(json);
  }
  const response = await fetch(`${local.url(workload)}${resolve(request.path)}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the assertion below says it is not JSON
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: parsed,
  };
}

/** The shape every error has: JSON `{ error }`, nothing else. */
function assertJsonError(answer: JsonAnswer, status: number, error: RegExp): void {
  const seen = `${answer.status} ${JSON.stringify(answer.body)}`;
  assert.equal(answer.status, status, seen);
  assert.match(answer.contentType, /^application\/json/, seen);
  assert.ok(typeof answer.body === 'object' && answer.body !== null, seen);
  assert.deepEqual(Object.keys(answer.body), ['error'], seen);
  const message: unknown = (answer.body as { error: unknown }).error;
  assert.equal(typeof message, 'string', seen);
  assert.match(String(message), error, seen);
}

const player = (name: string) => ({ 'x-quiz-player': encodeURIComponent(name) });

/** The ways an x-quiz-player header can be wrong, for each endpoint that reads it. */
const badPlayerHeaders = (extra: Partial<BadRequest> & { path: Lazy<string> }): BadRequest[] => [
  {
    when: 'with an x-quiz-player header that is not URI-decodable',
    headers: { 'x-quiz-player': UNDECODABLE },
    status: 400,
    error: /invalid x-quiz-player header: .*not URI-encoded/,
    ...extra,
  },
  {
    when: 'with an x-quiz-player header over 512 characters',
    headers: { 'x-quiz-player': 'a'.repeat(600) },
    status: 400,
    error: /invalid x-quiz-player header: .*header is too long/,
    ...extra,
  },
  {
    when: 'with an x-quiz-player header naming a 33-character player',
    headers: player(LONG_NAME),
    status: 400,
    error: /player name is longer than 32 characters/,
    ...extra,
  },
  {
    when: 'with an x-quiz-player header naming an empty player',
    headers: { 'x-quiz-player': '%20%20' },
    status: 400,
    error: /player name is empty/,
    ...extra,
  },
  {
    when: 'with an x-quiz-player header naming a player with control characters',
    headers: player('bob\u0007'),
    status: 400,
    error: /player name contains control characters/,
    ...extra,
  },
];

/** What an answer body can get wrong, for the frontend and quiz answer endpoints alike. */
const badAnswerBodies = (path: () => string): BadRequest[] => [
  {
    when: 'with malformed JSON',
    path,
    json: '{"player":',
    status: 400,
    error: /invalid JSON body/,
  },
  {
    when: 'with JSON null',
    path,
    json: 'null',
    status: 400,
    error: /invalid JSON body/,
  },
  {
    when: 'with a text/plain body',
    path,
    raw: { type: 'text/plain', text: '{"player":"ann","imageId":"red-car-road"}' },
    status: 415,
    error: /expected a JSON body \(content-type: application\/json\), got text\/plain/,
  },
  {
    when: 'with an unsupported charset',
    path,
    raw: { type: 'application/json; charset=klingon', text: '{}' },
    status: 415,
    error: /charset unsupported/,
  },
  {
    when: 'with an array for a body',
    path,
    json: [],
    status: 400,
    error: /invalid answer: \(root\): .*expected object, received array/,
  },
  {
    when: 'with an empty object',
    path,
    json: {},
    status: 400,
    error: /player: .*expected string, received undefined; imageId: .*expected string/,
  },
  {
    when: 'without an image id',
    path,
    json: { player: 'ann' },
    status: 400,
    error: /imageId: .*expected string, received undefined/,
  },
  {
    when: 'with a number for the player',
    path,
    json: () => ({ player: 42, imageId: live.images[0] }),
    status: 400,
    error: /player: .*expected string, received number/,
  },
  {
    when: 'with an object for the image id',
    path,
    json: { player: 'ann', imageId: { id: 'red-car-road' } },
    status: 400,
    error: /imageId: .*expected string, received object/,
  },
  {
    when: 'with a 33-character player name',
    path,
    json: () => ({ player: LONG_NAME, imageId: live.images[0] }),
    status: 400,
    error: /player: player name is longer than 32 characters/,
  },
  {
    when: 'with a player name of 33 Chinese characters',
    path,
    json: () => ({ player: LONG_CJK_NAME, imageId: live.images[0] }),
    status: 400,
    error: /player: player name is longer than 32 characters/,
  },
  {
    when: 'with a 10,000-character player name',
    path,
    json: () => ({ player: HUGE_STRING, imageId: live.images[0] }),
    status: 400,
    error: /player: player name is longer than 32 characters/,
  },
  {
    when: 'with an empty player name',
    path,
    json: () => ({ player: '', imageId: live.images[0] }),
    status: 400,
    error: /player: player name is empty/,
  },
  {
    when: 'with a player name of blanks',
    path,
    json: () => ({ player: '   ', imageId: live.images[0] }),
    status: 400,
    error: /player: player name is empty/,
  },
  {
    when: 'with control characters in the player name',
    path,
    json: () => ({ player: 'ann\u0000\u001b[31m', imageId: live.images[0] }),
    status: 400,
    error: /player: player name contains control characters/,
  },
  {
    when: 'with the image id ../etc/passwd',
    path,
    json: { player: 'ann', imageId: '../etc/passwd' },
    status: 400,
    error: /imageId: image id must be lower-case words joined by dashes/,
  },
  {
    when: 'with an upper-case image id',
    path,
    json: { player: 'ann', imageId: 'Red-Car-Road' },
    status: 400,
    error: /imageId: image id must be lower-case words joined by dashes/,
  },
  {
    when: 'with a 41-character image id',
    path,
    json: { player: 'ann', imageId: TOO_LONG_ID },
    status: 400,
    error: /imageId: image id is longer than 40 characters/,
  },
  {
    when: "with an image that is not one of the round's four",
    path,
    json: () => ({ player: 'ann', imageId: live.notInRound }),
    status: 400,
    error: /image [a-z0-9-]+ is not one of this round's images/,
  },
  {
    when: 'with a well-formed image id no catalog has',
    path,
    json: { player: 'ann', imageId: 'no-such-image' },
    status: 400,
    error: /image no-such-image is not one of this round's images/,
  },
  {
    when: 'with a body over 16 kB',
    path,
    json: { player: OVER_16_KB, imageId: 'red-car-road' },
    status: 413,
    error: /^entity too large$/,
  },
];

/** What a round id in the path can get wrong. */
const badRoundIds = (
  answerPath: (id: string) => string,
  body: Lazy<unknown> = () => ({ player: 'ann', imageId: live.images[0] }),
): BadRequest[] => [
  {
    when: 'with a well-formed round id that was never issued',
    path: answerPath(UNKNOWN_ROUND),
    json: body,
    status: 404,
    error: /^unknown round$/,
  },
  {
    when: 'with a tampered round id',
    path: () => answerPath(tampered(live.roundId)),
    json: body,
    status: 404,
    error: /^unknown round$/,
  },
  {
    when: 'with a round id too short to be one',
    path: answerPath('abc'),
    json: body,
    status: 400,
    error: /invalid round id: .*round id must be 16–512 URL-safe characters/,
  },
  {
    when: 'with a 600-character round id',
    path: answerPath('a'.repeat(600)),
    json: body,
    status: 400,
    error: /round id must be 16–512 URL-safe characters/,
  },
  {
    when: 'with a round id holding characters outside base64url',
    path: answerPath(encodeURIComponent('../../etc/passwd+=+=+=')),
    json: body,
    status: 400,
    error: /round id must be 16–512 URL-safe characters/,
  },
  {
    when: 'with a round id that is not URI-decodable',
    path: answerPath(UNDECODABLE),
    json: body,
    status: 400,
    error: /Failed to decode param/,
  },
];

/** Ill-formed, unknown and undecodable ids for a GET route `prefix + id + suffix`. */
const badImageIds = (prefix: string, suffix: string, unknown: RegExp): BadRequest[] => [
  {
    when: 'with the id ../etc/passwd',
    path: `${prefix}${encodeURIComponent('../etc/passwd')}${suffix}`,
    status: 400,
    error: /invalid image id: .*image id must be lower-case words joined by dashes/,
  },
  {
    when: 'with an upper-case id',
    path: `${prefix}Red-Car-Road${suffix}`,
    status: 400,
    error: /image id must be lower-case words joined by dashes/,
  },
  {
    when: 'with a 41-character id',
    path: `${prefix}${TOO_LONG_ID}${suffix}`,
    status: 400,
    error: /image id is longer than 40 characters/,
  },
  {
    when: 'with a 2,000-character id',
    path: `${prefix}${'a'.repeat(2_000)}${suffix}`,
    status: 400,
    error: /image id is longer than 40 characters/,
  },
  {
    when: 'with an id that is not URI-decodable',
    path: `${prefix}${UNDECODABLE}${suffix}`,
    status: 400,
    error: /Failed to decode param/,
  },
  {
    when: 'with an unknown id',
    path: `${prefix}no-such-image${suffix}`,
    status: 404,
    error: unknown,
  },
];

const badLimits = (path: string, what: string): BadRequest[] => [
  {
    when: 'with limit=abc',
    path: `${path}?limit=abc`,
    status: 400,
    error: new RegExp(`invalid ${what}: limit: .*expected number, received NaN`),
  },
  {
    when: 'with limit=0',
    path: `${path}?limit=0`,
    status: 400,
    error: new RegExp(`invalid ${what}: limit: Too small: expected number to be >=1`),
  },
  {
    when: 'with limit=1000',
    path: `${path}?limit=1000`,
    status: 400,
    error: new RegExp(`invalid ${what}: limit: Too big: expected number to be <=100`),
  },
  {
    when: 'with limit=2.5',
    path: `${path}?limit=2.5`,
    status: 400,
    error: /limit: .*expected int/,
  },
  {
    when: 'with limit given twice',
    path: `${path}?limit=1&limit=2`,
    status: 400,
    error: /limit: .*expected number, received NaN/,
  },
];

const liveAnswer = (prefix: string) => () => `${prefix}/${live.roundId}/answer`;
const validRecord = () => ({
  roundId: randomBytes(12).toString('base64url'),
  player: 'ann',
  correct: true,
  expiresAt: Date.now() + 60_000,
});

const ENDPOINTS: Endpoint[] = [
  {
    workload: 'frontend-v1',
    method: 'GET',
    route: '/api/round',
    cases: badPlayerHeaders({ path: '/api/round' }),
  },
  {
    workload: 'frontend-v1',
    method: 'POST',
    route: '/api/round/:id/answer',
    cases: [
      ...badAnswerBodies(liveAnswer('/api/round')),
      ...badRoundIds((id) => `/api/round/${id}/answer`),
      ...badPlayerHeaders({
        path: liveAnswer('/api/round'),
        json: () => ({ player: 'ann', imageId: live.images[0] }),
      }),
    ],
  },
  {
    workload: 'frontend-v1',
    method: 'GET',
    route: '/api/leaderboard',
    cases: badLimits('/api/leaderboard', 'leaderboard query'),
  },
  {
    workload: 'frontend-v1',
    method: 'GET',
    route: '/api/images/:id.svg',
    cases: badImageIds('/api/images/', '.svg', /^no image no-such-image$/),
  },
  {
    workload: 'frontend-v1',
    method: 'GET',
    route: 'of an unknown route',
    cases: [
      { when: 'under /api', path: '/api/nope', status: 404, error: /no route for GET \/api\/nope/ },
      { when: 'outside /api', path: '/nope', status: 404, error: /no route for GET \/nope/ },
      {
        when: 'for an image without .svg',
        path: '/api/images/red-car-road',
        status: 404,
        error: /no route for GET \/api\/images\/red-car-road/,
      },
    ],
  },
  {
    workload: 'frontend-v1',
    method: 'POST',
    route: 'of an unknown route',
    cases: [
      {
        when: 'at /api/round',
        path: '/api/round',
        json: {},
        status: 404,
        error: /no route for POST/,
      },
    ],
  },
  {
    workload: 'quiz-v3',
    method: 'POST',
    route: '/rounds',
    cases: badPlayerHeaders({ path: '/rounds' }),
  },
  {
    workload: 'quiz-v3',
    method: 'POST',
    route: '/rounds/:id/answer',
    cases: [
      ...badAnswerBodies(liveAnswer('/rounds')),
      ...badRoundIds((id) => `/rounds/${id}/answer`),
    ],
  },
  {
    workload: 'quiz-v3',
    method: 'GET',
    route: 'of an unknown route',
    cases: [
      { when: 'at /rounds', path: '/rounds', status: 404, error: /no route for GET \/rounds/ },
    ],
  },
  {
    workload: 'images-v1',
    method: 'GET',
    route: '/images/:id',
    cases: badImageIds('/images/', '', /^no image no-such-image$/),
  },
  {
    workload: 'images-v1',
    method: 'GET',
    route: '/images/:id.svg',
    cases: badImageIds('/images/', '.svg', /^no image no-such-image$/),
  },
  {
    workload: 'images-v1',
    method: 'POST',
    route: '/images',
    cases: [
      {
        when: 'with a JSON body',
        path: '/images',
        json: {},
        status: 404,
        error: /no route for POST/,
      },
      {
        when: 'with malformed JSON',
        path: '/images',
        json: '{',
        status: 400,
        error: /invalid JSON/,
      },
    ],
  },
  {
    workload: 'descriptions-v1',
    method: 'GET',
    route: '/descriptions/:id',
    cases: badImageIds('/descriptions/', '', /^no description for image no-such-image$/),
  },
  {
    workload: 'descriptions-v1',
    method: 'POST',
    route: '/descriptions/batch',
    cases: [
      {
        when: 'with malformed JSON',
        path: '/descriptions/batch',
        json: '{"ids": [',
        status: 400,
        error: /invalid JSON body/,
      },
      {
        when: 'with a text/plain body',
        path: '/descriptions/batch',
        raw: { type: 'text/plain', text: '{"ids":["red-car-road"]}' },
        status: 415,
        error: /expected a JSON body \(content-type: application\/json\), got text\/plain/,
      },
      {
        when: 'without ids',
        path: '/descriptions/batch',
        json: {},
        status: 400,
        error: /ids: .*expected array, received undefined/,
      },
      {
        when: 'with ids as a string',
        path: '/descriptions/batch',
        json: { ids: 'red-car-road' },
        status: 400,
        error: /ids: .*expected array, received string/,
      },
      {
        when: 'with no ids',
        path: '/descriptions/batch',
        json: { ids: [] },
        status: 400,
        error: /ids: Too small/,
      },
      {
        when: 'with 201 ids',
        path: '/descriptions/batch',
        json: { ids: Array.from({ length: 201 }, (_, i) => `image-${i}`) },
        status: 400,
        error: /ids: at most 200 ids per batch/,
      },
      {
        when: 'with a number among the ids',
        path: '/descriptions/batch',
        json: { ids: ['red-car-road', 7] },
        status: 400,
        error: /ids\.1: .*expected string, received number/,
      },
      {
        when: 'with ../etc/passwd among the ids',
        path: '/descriptions/batch',
        json: { ids: ['../etc/passwd'] },
        status: 400,
        error: /ids\.0: image id must be lower-case words joined by dashes/,
      },
      {
        when: 'with a 41-character id',
        path: '/descriptions/batch',
        json: { ids: [TOO_LONG_ID] },
        status: 400,
        error: /ids\.0: image id is longer than 40 characters/,
      },
      {
        when: 'with an unknown id',
        path: '/descriptions/batch',
        json: { ids: ['red-car-road', 'no-such-image'] },
        status: 404,
        error: /^no description for image\(s\) no-such-image$/,
      },
      {
        when: 'with a body over 16 kB',
        path: '/descriptions/batch',
        json: { ids: [OVER_16_KB] },
        status: 413,
        error: /^entity too large$/,
      },
    ],
  },
  {
    workload: 'scores-v1',
    method: 'POST',
    route: '/answers',
    cases: [
      {
        when: 'with malformed JSON',
        path: '/answers',
        json: '{"',
        status: 400,
        error: /invalid JSON/,
      },
      {
        when: 'with a text/plain body',
        path: '/answers',
        raw: { type: 'text/plain', text: JSON.stringify(validRecord()) },
        status: 415,
        error: /expected a JSON body \(content-type: application\/json\), got text\/plain/,
      },
      {
        when: 'with an empty object',
        path: '/answers',
        json: {},
        status: 400,
        error: /roundId: .*received undefined; player: .*; correct: .*; expiresAt: /,
      },
      {
        when: 'with a string for correct',
        path: '/answers',
        json: () => ({ ...validRecord(), correct: 'yes' }),
        status: 400,
        error: /correct: .*expected boolean, received string/,
      },
      {
        when: 'with a 65-character round id',
        path: '/answers',
        json: () => ({ ...validRecord(), roundId: 'a'.repeat(65) }),
        status: 400,
        error: /roundId: round id must be 8–64 URL-safe characters/,
      },
      {
        when: 'with a 33-character player name',
        path: '/answers',
        json: () => ({ ...validRecord(), player: LONG_NAME }),
        status: 400,
        error: /player: player name is longer than 32 characters/,
      },
      {
        when: 'with an empty player name',
        path: '/answers',
        json: () => ({ ...validRecord(), player: '' }),
        status: 400,
        error: /player: player name is empty/,
      },
      {
        when: 'with control characters in the player name',
        path: '/answers',
        json: () => ({ ...validRecord(), player: 'ann\r\nX-Admin: 1' }),
        status: 400,
        error: /player: player name contains control characters/,
      },
      {
        when: 'with a negative expiry',
        path: '/answers',
        json: () => ({ ...validRecord(), expiresAt: -1 }),
        status: 400,
        error: /expiresAt: Too small/,
      },
      {
        when: 'for a round that has expired',
        path: '/answers',
        json: () => ({ ...validRecord(), expiresAt: Date.now() - 1_000 }),
        status: 410,
        error: /^round has expired$/,
      },
      {
        when: 'with a body over 16 kB',
        path: '/answers',
        json: () => ({ ...validRecord(), player: OVER_16_KB }),
        status: 413,
        error: /^entity too large$/,
      },
    ],
  },
  {
    workload: 'scores-v1',
    method: 'GET',
    route: '/players/:player',
    cases: [
      {
        when: 'with a 33-character name',
        path: `/players/${LONG_NAME}`,
        status: 400,
        error: /invalid player: .*player name is longer than 32 characters/,
      },
      {
        when: 'with a 1,000-character name',
        path: `/players/${'b'.repeat(1_000)}`,
        status: 400,
        error: /player name is longer than 32 characters/,
      },
      {
        when: 'with a blank name',
        path: '/players/%20%20',
        status: 400,
        error: /player name is empty/,
      },
      {
        when: 'with control characters in the name',
        path: '/players/ann%00%07',
        status: 400,
        error: /player name contains control characters/,
      },
      {
        when: 'with a name that is not URI-decodable',
        path: `/players/${UNDECODABLE}`,
        status: 400,
        error: /Failed to decode param/,
      },
    ],
  },
  {
    workload: 'scores-v1',
    method: 'GET',
    route: '/leaderboard',
    cases: badLimits('/leaderboard', 'leaderboard query'),
  },
  {
    workload: 'scores-v1',
    method: 'GET',
    route: 'of an unknown route',
    cases: [
      { when: 'at /answers', path: '/answers', status: 404, error: /no route for GET \/answers/ },
      { when: 'at /players/', path: '/players/', status: 404, error: /no route for GET \/players/ },
    ],
  },
  {
    workload: 'zipkin',
    method: 'POST',
    route: '/api/v2/spans',
    cases: [
      {
        when: 'with malformed JSON',
        path: '/api/v2/spans',
        json: '[{"traceId"',
        status: 400,
        error: /invalid JSON body/,
      },
      {
        when: 'with a text/plain body',
        path: '/api/v2/spans',
        raw: { type: 'text/plain', text: '[]' },
        status: 415,
        error: /expected a JSON body \(content-type: application\/json\), got text\/plain/,
      },
      {
        when: 'with an object instead of a list',
        path: '/api/v2/spans',
        json: { traceId: 'a'.repeat(32) },
        status: 400,
        error: /invalid spans: \(root\): .*expected array, received object/,
      },
      {
        when: 'with a number for the trace id and no span id',
        path: '/api/v2/spans',
        json: [{ traceId: 1 }],
        status: 400,
        error: /0\.traceId: .*expected string, received number; 0\.id: .*received undefined/,
      },
      {
        when: 'with a trace id that is not hex',
        path: '/api/v2/spans',
        json: [{ traceId: 'not-hex', id: 'a'.repeat(16) }],
        status: 400,
        error: /0\.traceId: trace id must be 16 or 32 hex characters/,
      },
      {
        when: 'with a 2,000-character span name',
        path: '/api/v2/spans',
        json: [{ traceId: 'a'.repeat(32), id: 'a'.repeat(16), name: 'n'.repeat(2_000) }],
        status: 400,
        error: /0\.name: Too big/,
      },
      {
        when: 'with a body over its 5 MB cap',
        path: '/api/v2/spans',
        json: () => [{ traceId: 'a'.repeat(32), id: 'a'.repeat(16), name: 'n'.repeat(6_000_000) }],
        status: 413,
        error: /^entity too large$/,
      },
    ],
  },
  {
    workload: 'zipkin',
    method: 'GET',
    route: '/api/v2/traces',
    cases: [
      {
        when: 'with limit=abc',
        path: '/api/v2/traces?limit=abc',
        status: 400,
        error: /invalid query: limit: .*expected number, received NaN/,
      },
      {
        when: 'with limit=0',
        path: '/api/v2/traces?limit=0',
        status: 400,
        error: /limit: must be greater than 0/,
      },
      {
        when: 'with maxDuration below minDuration',
        path: '/api/v2/traces?minDuration=10&maxDuration=5',
        status: 400,
        error: /maxDuration: must not be less than minDuration/,
      },
      {
        when: 'with a 2,000-character service name',
        path: `/api/v2/traces?serviceName=${'s'.repeat(2_000)}`,
        status: 400,
        error: /serviceName: Too big/,
      },
    ],
  },
  {
    workload: 'zipkin',
    method: 'GET',
    route: '/api/v2/trace/:id',
    cases: [
      {
        when: 'with an id that is not hex',
        path: '/api/v2/trace/not-a-trace',
        status: 400,
        error: /invalid path: traceId: trace id must be 16 or 32 hex characters/,
      },
      {
        when: 'with an id that is not URI-decodable',
        path: `/api/v2/trace/${UNDECODABLE}`,
        status: 400,
        error: /Failed to decode param/,
      },
      {
        when: 'with a well-formed id it does not hold',
        path: `/api/v2/trace/${randomBytes(16).toString('hex')}`,
        status: 404,
        error: /^trace [0-9a-f]{32} not found$/,
      },
    ],
  },
  {
    workload: 'zipkin',
    method: 'GET',
    route: 'of an unknown route',
    cases: [
      { when: 'under /api/v2', path: '/api/v2/nope', status: 404, error: /no route for GET/ },
    ],
  },
];

before(async () => {
  local = await startLocalMode({
    QUIZMESH_MESH_CONFIG: meshConfigCopy({
      'virtual-service-quiz.yaml': 'virtual-service-quiz-all-v3.yaml',
    }),
  });
  const built = await fetch(`${local.url('quiz-v3')}/rounds`, {
    method: 'POST',
    headers: meshTokenHeaders(local),
  });
  assert.equal(built.status, 201);
  const round = (await built.json()) as { id: string; images: { id: string }[] };
  live.roundId = round.id;
  live.images = round.images.map((image) => image.id);
  const catalog = await fetch(`${local.url('images-v1')}/images`, {
    headers: meshTokenHeaders(local),
  });
  const { images } = (await catalog.json()) as { images: { id: string }[] };
  live.notInRound = images.find((image) => !live.images.includes(image.id))?.id ?? '';
  assert.ok(live.notInRound);
});

after(async () => {
  await local.stop();
});

for (const endpoint of ENDPOINTS) {
  describe(`${endpoint.workload}: ${endpoint.method} ${endpoint.route}`, () => {
    for (const bad of endpoint.cases) {
      it(`${endpoint.method} ${endpoint.route} ${bad.when} returns ${bad.status} with a JSON error`, async () => {
        assertJsonError(await send(endpoint.workload, endpoint.method, bad), bad.status, bad.error);
      });
    }
  });
}

describe('answering once', () => {
  const playerName = () => `once-${randomBytes(4).toString('hex')}`;

  async function siteRound(name: string): Promise<{ id: string; images: { id: string }[] }> {
    const response = await fetch(`${local.state.siteUrl}/api/round`, { headers: player(name) });
    assert.equal(response.status, 200);
    return (await response.json()) as { id: string; images: { id: string }[] };
  }

  const answer = (roundId: string, body: unknown) =>
    send('frontend-v1', 'POST', { path: `/api/round/${roundId}/answer`, json: body });

  async function standing(name: string): Promise<{ score: number; answered: number }> {
    const response = await fetch(`${local.url('scores-v1')}/players/${encodeURIComponent(name)}`, {
      headers: meshTokenHeaders(local),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as { score: number; answered: number };
  }

  it('the live round survived every bad answer above and is still answerable once', async () => {
    const first = await answer(live.roundId, { player: playerName(), imageId: live.images[0] });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assertJsonError(
      await answer(live.roundId, { player: playerName(), imageId: live.images[0] }),
      409,
      /^round already answered$/,
    );
  });

  it('answering the same round twice through the frontend returns 409 and counts the answer once', async () => {
    const name = playerName();
    const round = await siteRound(name);
    const pick = round.images[0]?.id;
    const first = await answer(round.id, { player: name, imageId: pick });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const { correct, score } = first.body as { correct: boolean; score: number };
    assert.equal(score, correct ? 1 : 0);

    assertJsonError(
      await answer(round.id, { player: name, imageId: pick }),
      409,
      /^round already answered$/,
    );
    // Changing the pick does not make it a new answer.
    assertJsonError(
      await answer(round.id, { player: name, imageId: round.images[1]?.id }),
      409,
      /^round already answered$/,
    );

    assert.deepEqual(await standing(name), { player: name, score, answered: 1 });
    const board = await fetch(`${local.state.siteUrl}/api/leaderboard?limit=100`);
    assert.equal(board.status, 200);
    const { players } = (await board.json()) as { players: { player: string }[] };
    assert.deepEqual(
      players.filter((entry) => entry.player === name),
      [{ player: name, score, answered: 1 }],
    );
  });

  it('five identical answers fired at once get exactly one 200 and four 409s', async () => {
    const name = playerName();
    const round = await siteRound(name);
    const body = { player: name, imageId: round.images[0]?.id };
    const answers = await Promise.all(Array.from({ length: 5 }, () => answer(round.id, body)));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      assertJsonError(refused, 409, /^round already answered$/);
    }
    assert.equal((await standing(name)).answered, 1);
  });

  it('POST /answers on scores with a round id it has recorded returns 409', async () => {
    const record = validRecord();
    const first = await send('scores-v1', 'POST', { path: '/answers', json: record });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assertJsonError(
      await send('scores-v1', 'POST', { path: '/answers', json: { ...record, correct: false } }),
      409,
      /^round already answered$/,
    );
  });
});

describe('after all of the above', () => {
  it('every workload still answers /healthz and none has exited', async () => {
    for (const workload of local.state.workloads) {
      const response = await fetch(`${workload.url}/healthz`);
      assert.equal(response.status, 200, `${workload.name} /healthz`);
      assert.deepEqual(await response.json(), { status: 'ok' });
    }
    assert.doesNotMatch(local.output(), / exited \(/);
  });
});

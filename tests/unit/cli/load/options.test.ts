import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LatencyHistogram } from '../../../../cli/load/histogram.ts';
import { parseDuration } from '../../../../cli/duration.ts';
import { parseArguments, UsageError } from '../../../../cli/arguments.ts';
import { command as loadCommand } from '../../../../cli/load/main.ts';
import { parseLoadOptions } from '../../../../cli/load/options.ts';
import type { LoadOptions } from '../../../../cli/load/options.ts';
import { bestGuess, pickImage } from '../../../../cli/load/pick.ts';
import { generatePlayers, isOutsideLatin1 } from '../../../../cli/load/players.ts';
import { formatProgressLine } from '../../../../cli/load/progress.ts';
import type { Round } from '../../../../cli/load/quiz-api.ts';
import { RecentCounter, RecentLatency } from '../../../../cli/load/recent-window.ts';
import { seededRandom } from '../../../../services/kit/seeded-random.ts';

/** argv read as the dispatcher reads it for `quizmesh load`, then checked. */
function parsedOptions(argv: string[], env: NodeJS.ProcessEnv = {}): LoadOptions {
  const args = parseArguments(argv, loadCommand);
  assert.equal(args.help, false);
  return parseLoadOptions(args.values, env);
}

function invalidMessage(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parsedOptions(argv, env);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

describe('quizmesh load options', () => {
  test('no options give the documented defaults', () => {
    assert.deepEqual(parsedOptions([]), {
      url: 'http://127.0.0.1:8080',
      rps: 20,
      durationSeconds: 60,
      players: 30,
      concurrency: 64,
      seed: 1,
      quiet: false,
      json: false,
    });
  });

  test('QUIZMESH_URL replaces the default URL and --url replaces both', () => {
    const env = { QUIZMESH_URL: 'http://mesh.local:9000/' };
    assert.equal(parsedOptions([], env).url, 'http://mesh.local:9000');
    assert.equal(
      parsedOptions(['--url', 'http://127.0.0.1:1234'], env).url,
      'http://127.0.0.1:1234',
    );
  });

  test('every option is read, with --duration in minutes', () => {
    const options = parsedOptions([
      '--rps=150',
      '--duration',
      '2m',
      '--players',
      '500',
      '--concurrency',
      '8',
      '--seed',
      '7',
      '--quiet',
      '--json',
    ]);
    assert.equal(options.rps, 150);
    assert.equal(options.durationSeconds, 120);
    assert.equal(options.players, 500);
    assert.equal(options.concurrency, 8);
    assert.equal(options.seed, 7);
    assert.equal(options.quiet, true);
    assert.equal(options.json, true);
  });

  test('durations read as seconds, with s, m, h and ms suffixes', () => {
    assert.equal(parseDuration('60'), 60);
    assert.equal(parseDuration('60s'), 60);
    assert.equal(parseDuration('2m'), 120);
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('1500ms'), 1.5);
    assert.equal(parseDuration('2.5'), 2.5);
    assert.equal(parseDuration('2x'), undefined);
    assert.equal(parseDuration('-1'), undefined);
  });

  test('--help asks for the usage text', () => {
    assert.equal(parseArguments(['--help'], loadCommand).help, true);
    assert.equal(parseArguments(['-h'], loadCommand).help, true);
  });

  test('an out-of-range --rps is refused naming the option and the value', () => {
    assert.equal(invalidMessage(['--rps', '0']), '--rps "0": must be greater than 0');
    assert.equal(invalidMessage(['--rps', '5000']), '--rps "5000": must be at most 2000');
    assert.equal(invalidMessage(['--rps', 'fast']), '--rps "fast": must be a number');
  });

  test('several bad options are all reported at once', () => {
    const message = invalidMessage(['--duration', 'soon', '--players', '2.5', '--url', 'ftp://x']);
    assert.match(message, /--duration "soon": must be a time like 60, 60s, 2m or 1500ms/);
    assert.match(message, /--players "2.5": must be a whole number/);
    assert.match(message, /--url "ftp:\/\/x": must be an http:\/\/ or https:\/\/ URL/);
  });

  test('an empty QUIZMESH_URL counts as unset', () => {
    assert.equal(parsedOptions([], { QUIZMESH_URL: '' }).url, 'http://127.0.0.1:8080');
  });

  test('a bad QUIZMESH_URL is blamed on the variable', () => {
    assert.match(invalidMessage([], { QUIZMESH_URL: 'nope' }), /\(from QUIZMESH_URL\)/);
  });

  test('unknown options and stray arguments are refused', () => {
    assert.match(invalidMessage(['--rsp', '3']), /Unknown option '--rsp'/);
    assert.match(invalidMessage(['now']), /Unexpected argument 'now'/);
  });

  test('a run too short for a single play is refused', () => {
    assert.match(invalidMessage(['--rps', '0.5', '--duration', '1']), /at least one play/);
  });
});

describe('player names', () => {
  test('the same seed gives the same players, another seed another order', () => {
    assert.deepEqual(generatePlayers(30, 1), generatePlayers(30, 1));
    assert.notDeepEqual(generatePlayers(30, 1), generatePlayers(30, 2));
  });

  test('exactly the requested number of distinct names is generated', () => {
    for (const count of [1, 3, 30, 44, 500]) {
      const players = generatePlayers(count, 3);
      assert.equal(players.length, count);
      assert.equal(new Set(players).size, count);
    }
  });

  test('between 10% and 35% of names fall outside Latin-1', () => {
    for (const count of [10, 30, 100, 1000]) {
      const share = generatePlayers(count, 5).filter(isOutsideLatin1).length / count;
      assert.ok(share >= 0.1 && share <= 0.35, `${count} players: ${share}`);
    }
  });

  test('three players already include one name outside Latin-1', () => {
    assert.equal(generatePlayers(3, 9).filter(isOutsideLatin1).length, 1);
  });

  test('the mix holds ASCII, accented Latin-1 and non-Latin-1 names', () => {
    const players = generatePlayers(100, 1);
    const ascii = (name: string) => /^[\x20-\x7e]+$/.test(name);
    assert.ok(players.some(ascii));
    assert.ok(players.some((name) => !ascii(name) && !isOutsideLatin1(name)));
    assert.ok(players.some(isOutsideLatin1));
  });

  test('names past the end of the list get a numeric suffix', () => {
    const players = generatePlayers(200, 1);
    assert.ok(players.some((name) => /\D2$/u.test(name)));
    assert.ok(players.slice(0, 10).every((name) => !/\d$/.test(name)));
  });

  test('Latin-1 is judged by code point, not by being non-ASCII', () => {
    assert.equal(isOutsideLatin1('Zoë'), false);
    assert.equal(isOutsideLatin1('Ólafur'), false);
    assert.equal(isOutsideLatin1('Łukasz'), true);
    assert.equal(isOutsideLatin1('李雷'), true);
  });
});

describe('latency histogram', () => {
  test('an empty histogram reads 0 everywhere', () => {
    const histogram = new LatencyHistogram();
    assert.equal(histogram.percentile(50), 0);
    assert.equal(histogram.max, 0);
    assert.equal(histogram.count, 0);
  });

  test('a single sample reads back exactly at every percentile', () => {
    const histogram = new LatencyHistogram();
    histogram.record(1234);
    for (const p of [0, 50, 99, 100]) assert.equal(histogram.percentile(p), 1234);
  });

  test('percentiles of 1..10000 µs are within 1% of the exact nearest rank', () => {
    const histogram = new LatencyHistogram();
    // Recorded out of order: a histogram must not care.
    for (let i = 10_000; i >= 1; i--) histogram.record(i);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = Math.ceil((p / 100) * 10_000);
      const read = histogram.percentile(p);
      assert.ok(Math.abs(read - exact) / exact < 0.01, `p${p}: ${read} vs ${exact}`);
    }
    assert.equal(histogram.percentile(100), 10_000);
    assert.equal(histogram.percentile(0), 1);
    assert.equal(histogram.count, 10_000);
  });

  test('a skewed distribution puts p50 with the many and p99 with the slow few', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 980; i++) histogram.record(500);
    for (let i = 0; i < 20; i++) histogram.record(250_000);
    assert.ok(Math.abs(histogram.percentile(50) - 500) < 5);
    assert.ok(Math.abs(histogram.percentile(99) - 250_000) < 2_500);
    assert.equal(histogram.max, 250_000);
  });

  test('samples beyond the bucket range keep their exact max', () => {
    const histogram = new LatencyHistogram();
    histogram.record(0);
    histogram.record(500_000_000);
    assert.equal(histogram.max, 500_000_000);
    assert.equal(histogram.percentile(100), 500_000_000);
    assert.equal(histogram.min, 0);
  });

  test('adding one histogram into another equals recording everything in one', () => {
    const [a, b, both] = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    for (let i = 1; i <= 100; i++) {
      (i % 2 === 0 ? a : b).record(i * 37);
      both.record(i * 37);
    }
    a.addAll(b);
    for (const p of [1, 50, 90, 99, 100]) assert.equal(a.percentile(p), both.percentile(p));
    assert.equal(a.count, 100);
  });
});

describe('recent windows', () => {
  test('the rate counts only the last five seconds', () => {
    const counter = new RecentCounter(5_000, 250);
    for (let ms = 0; ms < 10_000; ms += 10) counter.add(ms);
    assert.ok(Math.abs(counter.perSecond(9_999) - 100) < 2, String(counter.perSecond(9_999)));
    assert.equal(counter.total(30_000), 0);
  });

  test('the rate early in a run is per second of the run so far', () => {
    const counter = new RecentCounter();
    for (let ms = 0; ms < 1_000; ms += 20) counter.add(ms);
    assert.ok(Math.abs(counter.perSecond(1_000) - 50) < 1);
  });

  test('recent latency forgets samples older than the window', () => {
    const latency = new RecentLatency(5_000);
    latency.record(100, 90_000);
    latency.record(6_000, 1_000);
    assert.equal(latency.histogram(6_100).percentile(100), 1_000);
    assert.equal(latency.histogram(20_000).count, 0);
  });
});

const foxRound: Round = {
  id: 'r-1',
  description: 'A red fox asleep in the snow',
  images: [
    { id: 'blue-whale-ocean', url: '/images/blue-whale-ocean.svg' },
    { id: 'red-fox-snow', url: '/images/red-fox-snow.svg' },
    { id: 'snowy-mountain-peak', url: '/images/snowy-mountain-peak.svg' },
    { id: 'city-at-night', url: '/images/city-at-night.svg' },
  ],
};

describe('choosing an image', () => {
  test('the best guess is the image whose id words overlap the description most', () => {
    assert.equal(bestGuess(foxRound), 'red-fox-snow');
  });

  test('plural and suffixed words still count as the same word', () => {
    const round: Round = {
      id: 'r-2',
      description: 'Two foxes on snowy ground',
      images: [
        { id: 'city-at-night', url: '' },
        { id: 'fox-snow', url: '' },
      ],
    };
    assert.equal(bestGuess(round), 'fox-snow');
  });

  test('players pick the best guess about 70% of the time and otherwise a wrong image', () => {
    const random = seededRandom(11);
    const picks = Array.from({ length: 5_000 }, () => pickImage(foxRound, random));
    const share = picks.filter((id) => id === 'red-fox-snow').length / picks.length;
    assert.ok(share > 0.67 && share < 0.73, String(share));
    const others = new Set(picks.filter((id) => id !== 'red-fox-snow'));
    assert.equal(others.size, 3);
  });
});

describe('the live line', () => {
  test('shows elapsed time, rate, plays, errors with their statuses, and latency', () => {
    const line = formatProgressLine({
      elapsedSeconds: 12.34,
      durationSeconds: 60,
      requestsPerSecond: 39.96,
      playsOk: 238,
      playsFailed: 3,
      dropped: 0,
      errors: 10,
      recentErrorRate: 0.021,
      errorsByStatus: { '500': 3, '504': 7 },
      latencyMicros: { round: { p50: 1_210, p99: 8_400 }, answer: { p50: 950, p99: 5_100 } },
    });
    assert.equal(
      line,
      '12.3s/60s | 40.0 req/s | plays 238 ok 3 failed | errors 10 (2.1% now) 500×3 504×7 | ' +
        'p50/p99 round 1.21/8.40 ms, answer 0.95/5.10 ms',
    );
  });
});

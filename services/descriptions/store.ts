// The descriptions "database": an in-memory table loaded from descriptions.json, with the latency
// profile of a real store. Most lookups are instant; a few miss the cache and take SLOW_LOOKUP_MS.
// One query costs the same whether it asks for one id or a batch, which is why batching pays.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import { description, type Description } from '../contracts/descriptions.ts';

export interface LatencyProfile {
  slowRate: number;
  slowMs: number;
  random?: () => number;
}

export interface DescriptionStore {
  size: number;
  /** Descriptions of `ids` in order; the ids it does not know are returned as `missing`. */
  lookup(ids: readonly string[]): Promise<{ found: Description[]; missing: string[] }>;
}

export function loadDescriptions(file: URL): Description[] {
  const parsed = z.array(description).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file.pathname}: ${parsed.error.message}`);
  return parsed.data;
}

export function createDescriptionStore(
  rows: readonly Description[],
  latency: LatencyProfile,
): DescriptionStore {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const random = latency.random ?? Math.random;
  return {
    size: byId.size,
    async lookup(ids) {
      const slow = random() < latency.slowRate;
      // Shows in Zipkin on the server span, so a slow call explains itself.
      trace.getActiveSpan()?.setAttribute('descriptions.cache', slow ? 'miss' : 'hit');
      if (slow) await sleep(latency.slowMs);
      const found: Description[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        const row = byId.get(id);
        if (row) found.push(row);
        else missing.push(id);
      }
      return { found, missing };
    },
  };
}

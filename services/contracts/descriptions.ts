// The descriptions service's API, shared by the server that validates and the clients that parse it.
import { z } from 'zod';
import { imageId } from './images.ts';

export const description = z.object({
  id: imageId,
  description: z.string().min(1).max(200),
  labels: z
    .array(z.string().regex(/^[a-z]+$/))
    .min(1)
    .max(10),
});
export type Description = z.infer<typeof description>;

export const MAX_BATCH = 200;

/** POST /descriptions/batch */
export const batchRequest = z.object({
  ids: z.array(imageId).min(1).max(MAX_BATCH, `at most ${MAX_BATCH} ids per batch`),
});
export const batchResponse = z.object({ descriptions: z.array(description) });

// The images service's API, shared by the server that validates and the clients that parse it.
import { z } from 'zod';

export const imageId = z
  .string()
  .max(40, 'image id is longer than 40 characters')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'image id must be lower-case words joined by dashes');

export const catalogEntry = z.object({ id: imageId, title: z.string().min(1).max(80) });
export type CatalogEntry = z.infer<typeof catalogEntry>;

/** GET /images */
export const catalogResponse = z.object({ images: z.array(catalogEntry) });

/** GET /images/:id */
export const imageMetadata = catalogEntry.extend({
  contentType: z.literal('image/svg+xml'),
  bytes: z.number().int().positive(),
});

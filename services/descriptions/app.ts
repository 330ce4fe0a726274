import { Router } from 'express';
import { batchRequest } from '../contracts/descriptions.ts';
import { imageId } from '../contracts/images.ts';
import { HttpError, parseInput } from '../kit/errors.ts';
import type { DescriptionStore } from './store.ts';

export function descriptionRoutes(store: DescriptionStore): Router {
  const router = Router();

  router.get('/descriptions/:id', async (req, res) => {
    const id = parseInput(imageId, req.params.id, 'image id');
    const { found } = await store.lookup([id]);
    const row = found[0];
    if (!row) throw new HttpError(404, `no description for image ${id}`);
    res.json(row);
  });

  router.post('/descriptions/batch', async (req, res) => {
    const { ids } = parseInput(batchRequest, req.body, 'batch request');
    const { found, missing } = await store.lookup(ids);
    if (missing.length > 0) {
      throw new HttpError(404, `no description for image(s) ${missing.join(', ')}`);
    }
    res.json({ descriptions: found });
  });

  return router;
}

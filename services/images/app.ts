import { Router } from 'express';
import { imageId } from '../contracts/images.ts';
import { HttpError, parseInput } from '../kit/errors.ts';
import type { Catalog, CatalogImage } from './catalog.ts';

export function imageRoutes(catalog: Catalog): Router {
  const router = Router();
  const find = (raw: string): CatalogImage => {
    const id = parseInput(imageId, raw, 'image id');
    const image = catalog.get(id);
    if (!image) throw new HttpError(404, `no image ${id}`);
    return image;
  };

  router.get('/images', (_req, res) => {
    res.json({ images: catalog.entries });
  });

  router.get('/images/:id.svg', (req, res) => {
    const image = find(req.params.id);
    res.type('image/svg+xml').set('cache-control', 'public, max-age=3600').send(image.svg);
  });

  router.get('/images/:id', (req, res) => {
    const { id, title, svg } = find(req.params.id);
    res.json({ id, title, contentType: 'image/svg+xml', bytes: svg.length });
  });

  return router;
}

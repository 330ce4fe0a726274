// The image catalog: metadata from catalog.json and the SVG bytes beside it, read once at start.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { catalogEntry, type CatalogEntry } from '../contracts/images.ts';

export interface CatalogImage extends CatalogEntry {
  svg: Buffer;
}

export interface Catalog {
  entries: CatalogEntry[];
  get(id: string): CatalogImage | undefined;
}

/** Fails at start, naming the file, if the metadata is malformed or an SVG is missing. */
export function loadCatalog(dir: URL): Catalog {
  const file = new URL('catalog.json', dir);
  const parsed = z.array(catalogEntry).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file.pathname}: ${parsed.error.message}`);
  const images = new Map<string, CatalogImage>();
  for (const entry of parsed.data) {
    images.set(entry.id, { ...entry, svg: readFileSync(new URL(`catalog/${entry.id}.svg`, dir)) });
  }
  return { entries: parsed.data, get: (id) => images.get(id) };
}

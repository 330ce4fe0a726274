// The quiz's image data: catalog.json, the SVG scenes beside it and descriptions.json must agree,
// and every image must leave the quiz enough label-disjoint distractors to choose from.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { description } from '../../services/contracts/descriptions.ts';
import { catalogEntry } from '../../services/contracts/images.ts';
import { renderScenes } from '../../services/images/catalog/generate.ts';

const root = new URL('../../', import.meta.url);
const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

const catalog = z.array(catalogEntry).parse(readJson('services/images/catalog.json'));
const descriptions = z
  .array(description)
  .parse(readJson('services/descriptions/descriptions.json'));
const svgUrl = (id: string) => new URL(`services/images/catalog/${id}.svg`, root);

const MIN_IMAGES = 48;
const MIN_DISTRACTORS = 10;
const MAX_SVG_BYTES = 4096;
const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A small well-formedness check for the subset of XML the scenes use: only elements with
 * double-quoted attributes, no text content, every tag closed in order, one root.
 */
function checkXml(svg: string): { root: string; tags: string[] } {
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[a-zA-Z][\w:-]*="[^"<]*")*)\s*(\/?)>/y;
  const stack: string[] = [];
  const tags: string[] = [];
  let rootTag = '';
  let i = 0;
  const body = svg.trim();
  while (i < body.length) {
    const space = /\s*/y;
    space.lastIndex = i;
    space.exec(body);
    i = space.lastIndex;
    if (i >= body.length) break;
    tag.lastIndex = i;
    const m = tag.exec(body);
    if (!m) throw new Error(`not well-formed near: ${body.slice(i, i + 40)}`);
    const [, closing, name = '', , selfClosing] = m;
    i = tag.lastIndex;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${String(open)}>`);
    } else {
      if (stack.length === 0) {
        if (rootTag) throw new Error('more than one root element');
        rootTag = name;
      }
      tags.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return { root: rootTag, tags };
}

describe('image catalog', () => {
  it(`has at least ${MIN_IMAGES} images with unique, well-formed ids`, () => {
    assert.ok(catalog.length >= MIN_IMAGES, `only ${catalog.length} images`);
    const ids = catalog.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids in catalog.json');
    for (const id of ids) {
      assert.match(id, ID);
      assert.ok(id.length <= 40, `${id} is longer than 40 characters`);
    }
  });

  it('describes exactly the images in the catalog', () => {
    const ids = descriptions.map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids in descriptions.json');
    assert.deepEqual([...ids].sort(), catalog.map((e) => e.id).sort());
  });

  it('has a small, self-contained SVG scene for every image', () => {
    for (const { id } of catalog) {
      const url = svgUrl(id);
      assert.ok(existsSync(url), `${id}.svg is missing`);
      assert.ok(statSync(url).size < MAX_SVG_BYTES, `${id}.svg is ${statSync(url).size} bytes`);
      const svg = readFileSync(url, 'utf8');
      assert.match(svg, /^<svg\s/, `${id}.svg does not start with <svg`);
      assert.match(svg, /^<svg[^>]*\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, /^<svg[^>]*\sviewBox="0 0 160 120"/);
      assert.match(svg, /^<svg[^>]*\swidth="160" height="120"/);
      assert.doesNotMatch(svg, /<script/i, `${id}.svg has a script`);
      assert.doesNotMatch(svg, /<(text|image|foreignObject)\b/i, `${id}.svg has text or an image`);
      assert.doesNotMatch(svg, /href\s*=\s*"(?!#)/i, `${id}.svg refers outside itself`);
      assert.doesNotMatch(svg, /url\((?!#)/i, `${id}.svg refers outside itself`);
      assert.doesNotMatch(svg, /\son\w+\s*=/i, `${id}.svg has an event handler`);
      const xml = checkXml(svg);
      assert.equal(xml.root, 'svg', `${id}.svg root element`);
      assert.ok(xml.tags.length >= 6, `${id}.svg is too plain to depict anything`);
    }
  });

  it('keeps the SVG files in step with generate.ts', () => {
    const generated = renderScenes();
    assert.deepEqual(
      generated.map((s) => s.id),
      catalog.map((e) => e.id),
    );
    for (const { id, svg } of generated) {
      assert.equal(readFileSync(svgUrl(id), 'utf8'), svg, `${id}.svg is stale: run generate.ts`);
    }
  });

  it('has titles and descriptions that tell the images apart', () => {
    const titles = catalog.map((e) => e.title);
    assert.equal(new Set(titles).size, titles.length, 'duplicate titles');
    const texts = descriptions.map((d) => d.description);
    assert.equal(new Set(texts).size, texts.length, 'duplicate descriptions');
    for (const { id, description: text, labels } of descriptions) {
      assert.equal(text, text.toLowerCase(), `${id}: description is not lower-case`);
      assert.equal(text, text.trim(), `${id}: description has surrounding spaces`);
      const words = text.split(/\s+/).length;
      assert.ok(words >= 4 && words <= 12, `${id}: description has ${words} words`);
      assert.ok(labels.length >= 3 && labels.length <= 6, `${id}: ${labels.length} labels`);
      assert.equal(new Set(labels).size, labels.length, `${id}: duplicate labels`);
      for (const label of labels) assert.match(label, /^[a-z]+$/, `${id}: label ${label}`);
    }
  });

  it('shares labels across images', () => {
    const counts = new Map<string, number>();
    for (const d of descriptions) {
      for (const label of d.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    for (const common of ['animal', 'night', 'sea', 'red', 'winter']) {
      assert.ok((counts.get(common) ?? 0) >= 4, `too few images labelled ${common}`);
    }
    const shared = descriptions.filter((d) => d.labels.some((l) => (counts.get(l) ?? 0) > 1));
    assert.equal(shared.length, descriptions.length, 'every image shares a label with another');
  });

  it(`leaves every image at least ${MIN_DISTRACTORS} label-disjoint distractors`, () => {
    for (const d of descriptions) {
      const mine = new Set(d.labels);
      const disjoint = descriptions.filter(
        (other) => other.id !== d.id && !other.labels.some((l) => mine.has(l)),
      );
      assert.ok(
        disjoint.length >= MIN_DISTRACTORS,
        `${d.id} has only ${disjoint.length} label-disjoint images`,
      );
    }
  });
});

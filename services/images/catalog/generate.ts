// Generates the images service's catalog: one small hand-composed SVG scene per entry, plus
// ../catalog.json (ids and titles), so the two always agree. Run from anywhere:
// `node services/images/catalog/generate.ts`. Each scene's description and labels are the
// descriptions service's data, kept in services/descriptions/descriptions.json: a new scene needs
// an entry there too, and tests/unit/services/images/catalog.test.ts fails until both services list the same ids.
// `--sheet FILE` also writes a contact sheet of every scene, for looking at them all at once.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { seededRandom } from '../../kit/seeded-random.ts';

type Attrs = Record<string, string | number>;

interface Scene {
  id: string;
  title: string;
  /** Draws the scene; `u` makes an element id unique to this scene (for gradients and symbols). */
  draw: (u: (name: string) => string) => string;
}

const W = 160;
const H = 120;

// ---------------------------------------------------------------------------------------------
// Primitives

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

function el(tag: string, a: Attrs): string {
  const parts = Object.entries(a).map(([k, v]) => ` ${k}="${typeof v === 'number' ? fmt(v) : v}"`);
  return `<${tag}${parts.join('')}/>`;
}

const rect = (x: number, y: number, w: number, h: number, fill: string, extra: Attrs = {}) =>
  el('rect', { x, y, width: w, height: h, fill, ...extra });
const circle = (cx: number, cy: number, r: number, fill: string, extra: Attrs = {}) =>
  el('circle', { cx, cy, r, fill, ...extra });
const ellipse = (cx: number, cy: number, rx: number, ry: number, fill: string, extra: Attrs = {}) =>
  el('ellipse', { cx, cy, rx, ry, fill, ...extra });
const poly = (points: string, fill: string, extra: Attrs = {}) =>
  el('polygon', { points, fill, ...extra });
const path = (d: string, fill: string, extra: Attrs = {}) => el('path', { d, fill, ...extra });
/** A stroked, unfilled path with round ends. */
const stroke = (d: string, color: string, width: number, extra: Attrs = {}) =>
  path(d, 'none', {
    stroke: color,
    'stroke-width': width,
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
    ...extra,
  });
const line = (x1: number, y1: number, x2: number, y2: number, color: string, width = 2) =>
  stroke(`M${fmt(x1)} ${fmt(y1)}L${fmt(x2)} ${fmt(y2)}`, color, width);
const group = (transform: string, ...children: string[]) =>
  `<g transform="${transform}">${children.join('')}</g>`;

function starPoints(cx: number, cy: number, outer: number, inner: number, n: number): string {
  const pts: string[] = [];
  for (let i = 0; i < n * 2; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / n;
    pts.push(`${fmt(cx + r * Math.cos(a))},${fmt(cy + r * Math.sin(a))}`);
  }
  return pts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Reusable scene pieces

const sky = (color: string) => rect(0, 0, W, H, color);
const ground = (y: number, color: string) => rect(0, y, W, H - y, color);

/** A vertical two- or three-stop gradient filling the whole picture. */
function gradientSky(id: string, stops: string[]): string {
  const s = stops
    .map((c, i) => `<stop offset="${fmt(i / (stops.length - 1))}" stop-color="${c}"/>`)
    .join('');
  return `<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${s}</linearGradient></defs>${rect(0, 0, W, H, `url(#${id})`)}`;
}

/** Round dots scattered in a box, drawn as one path of zero-length strokes. */
function dots(
  n: number,
  seed: number,
  box: [number, number, number, number],
  color: string,
  size: number,
): string {
  const r = seededRandom(seed);
  const [x0, y0, x1, y1] = box;
  let d = '';
  for (let i = 0; i < n; i++) d += `M${fmt(x0 + r() * (x1 - x0))} ${fmt(y0 + r() * (y1 - y0))}h0`;
  return stroke(d, color, size);
}
const stars = (n: number, seed: number, maxY = 70) => dots(n, seed, [2, 2, 158, maxY], '#fff', 1.6);
const flakes = (n: number, seed: number, maxY = 118) => dots(n, seed, [2, 2, 158, maxY], '#fff', 3);

/** Slanted rain streaks. */
function rain(n: number, seed: number, color: string, box: [number, number, number, number]) {
  const r = seededRandom(seed);
  const [x0, y0, x1, y1] = box;
  let d = '';
  for (let i = 0; i < n; i++)
    d += `M${fmt(x0 + r() * (x1 - x0))} ${fmt(y0 + r() * (y1 - y0))}l-2 7`;
  return stroke(d, color, 1.5);
}

function sun(x: number, y: number, r: number, rays = true): string {
  let d = '';
  if (rays) {
    for (let i = 0; i < 10; i++) {
      const a = (i * Math.PI) / 5;
      const c = Math.cos(a);
      const s = Math.sin(a);
      d += `M${fmt(x + c * (r + 3))} ${fmt(y + s * (r + 3))}L${fmt(x + c * (r + 8))} ${fmt(y + s * (r + 8))}`;
    }
  }
  return (rays ? stroke(d, '#ffc300', 2.5) : '') + circle(x, y, r, '#ffd60a');
}

const fullMoon = (x: number, y: number, r: number) =>
  circle(x, y, r, '#f6f1c7') +
  circle(x - r * 0.3, y - r * 0.2, r * 0.18, '#e4dca6') +
  circle(x + r * 0.35, y + r * 0.3, r * 0.12, '#e4dca6');
/** A crescent: the moon with a disc of the sky colour bitten out of it. */
const crescent = (x: number, y: number, r: number, skyColor: string) =>
  circle(x, y, r, '#f6f1c7') + circle(x + r * 0.45, y - r * 0.25, r * 0.85, skyColor);

const cloud = (x: number, y: number, s: number, color = '#fff') =>
  group(
    `translate(${fmt(x)} ${fmt(y)}) scale(${fmt(s)})`,
    ellipse(0, 0, 20, 7, color),
    circle(-8, -4, 8, color),
    circle(5, -6, 10, color),
  );

/** A wavy line across the picture at height y. */
const waves = (y: number, color: string, x0 = 0, width = W, amp = 3) =>
  stroke(
    `M${fmt(x0)} ${fmt(y)}q4 ${-amp} 8 0${'t8 0'.repeat(Math.ceil(width / 8) - 1)}`,
    color,
    1.5,
  );

function pine(x: number, base: number, h: number, color = '#1f6b3a'): string {
  const w = h * 0.6;
  const t = base - h * 0.12;
  const y1 = base - h * 0.62;
  const y2 = base - h * 0.36;
  const pts = [
    [x, base - h],
    [x + w * 0.3, y1],
    [x + w * 0.16, y1],
    [x + w * 0.42, y2],
    [x + w * 0.26, y2],
    [x + w * 0.5, t],
    [x - w * 0.5, t],
    [x - w * 0.26, y2],
    [x - w * 0.42, y2],
    [x - w * 0.16, y1],
    [x - w * 0.3, y1],
  ]
    .map(([a = 0, b = 0]) => `${fmt(a)},${fmt(b)}`)
    .join(' ');
  return rect(x - h * 0.05, t - 1, h * 0.1, h * 0.12 + 1, '#5b3a1e') + poly(pts, color);
}

const grassHill = (cx: number, cy: number, rx: number, ry: number, color = '#6fbf4b') =>
  ellipse(cx, cy, rx, ry, color);

// ---------------------------------------------------------------------------------------------
// The scenes

const scenes: Scene[] = [
  {
    id: 'red-fox-snow',
    title: 'Red fox in the snow',
    draw: () =>
      sky('#c9dcee') +
      path('M0 72Q80 58 160 72V120H0Z', '#fff') +
      ellipse(84, 102, 56, 7, '#dfe8f2') +
      group(
        'translate(82 90) scale(1.3) translate(-82 -88)',
        ellipse(90, 82, 32, 15, '#d4541d'),
        path('M118 84C124 104 70 106 52 98C70 100 100 98 108 86Z', '#e0662a'),
        ellipse(54, 98, 9, 4.5, '#fff'),
        path('M70 90Q80 94 94 91', 'none', { stroke: '#b2441a', 'stroke-width': 1.5 }),
        circle(64, 82, 11, '#d4541d'),
        poly('56,76 57,62 65,72', '#d4541d'),
        poly('64,72 72,62 72,77', '#d4541d'),
        poly('58,73 58.5,66 62,71', '#5a2410'),
        poly('67,72 70.5,66 70.5,75', '#5a2410'),
        poly('56,80 40,90 58,92', '#d4541d'),
        path('M40 90L58 92L60 86Z', '#fff'),
        circle(41, 89.5, 1.8, '#222'),
        stroke('M58 82q3 2.5 6 0', '#222', 1.5),
      ) +
      stroke('M30 62h6l-6 7h6M40 50h5l-5 6h5', '#7a8ea3', 1.5) +
      flakes(28, 1, 70),
  },
  {
    id: 'sailboat-sunny-sea',
    title: 'Sailboat on a sunny sea',
    draw: () =>
      sky('#8fd3ff') +
      sun(128, 26, 13) +
      cloud(40, 26, 0.9) +
      rect(0, 74, W, 46, '#1e6fd1') +
      poly('77,30 77,80 108,80', '#fff') +
      poly('73,38 73,80 50,80', '#f1f1f1') +
      line(75, 28, 75, 84, '#5a3a22', 2.5) +
      poly('75,28 86,31 75,34', '#e63946') +
      poly('46,82 106,82 96,94 56,94', '#8b4a2b') +
      rect(46, 82, 60, 3, '#6d3a22') +
      waves(97, '#8fc5ff') +
      waves(106, '#5aa2ef', -6) +
      waves(114, '#8fc5ff', -2) +
      stroke('M20 50q4-4 8 0q4-4 8 0M98 44q3-3 6 0q3-3 6 0', '#234', 1.5),
  },
  {
    id: 'cactus-desert-sunset',
    title: 'Cactus at sunset',
    draw: (u) =>
      gradientSky(u('sky'), ['#5b2a86', '#f0644c', '#ffc457']) +
      circle(118, 80, 20, '#ffe066') +
      path('M0 84Q50 72 100 84T160 80V120H0Z', '#e3a55a') +
      path('M0 104Q60 92 160 102V120H0Z', '#c98a45') +
      stroke('M73 74H60V56M87 66H100V48', '#2f8f46', 9) +
      rect(70, 36, 17, 72, '#2f8f46', { rx: 8.5 }) +
      stroke('M76 42V104M81 42V104', '#25743a', 1.5) +
      stroke('M62 58v10M98 50v10', '#25743a', 1.5) +
      rect(128, 86, 5, 16, '#1e5631', { rx: 2.5 }) +
      stroke('M126 94v-5M135 92v-5', '#1e5631', 3),
  },
  {
    id: 'black-cat-roof-moon',
    title: 'Black cat on a roof',
    draw: () =>
      sky('#1b2447') +
      stars(26, 4, 80) +
      fullMoon(96, 42, 26) +
      rect(122, 64, 12, 22, '#7d2a20') +
      poly('0,120 80,74 160,120', '#c0392b') +
      stroke('M28 104L80 74M80 74L132 104M12 114L148 114', '#8e2a1f', 2) +
      stroke('M54 89L106 89M40 98H120', '#8e2a1f', 1.5) +
      stroke('M90 74q14-2 10-18q-2-8 4-10', '#111', 4) +
      ellipse(80, 62, 11, 14, '#111') +
      circle(80, 44, 9, '#111') +
      poly('72,40 73,29 79,37', '#111') +
      poly('81,37 87,29 88,40', '#111') +
      ellipse(76.5, 43, 2, 1.6, '#ffd60a') +
      ellipse(83.5, 43, 2, 1.6, '#ffd60a') +
      stroke('M74 48l-8-1M74 49.5l-8 2M86 48l8-1M86 49.5l8 2', '#555', 0.8),
  },
  {
    id: 'snowman-top-hat',
    title: 'Snowman with a top hat',
    draw: () => {
      const o = { stroke: '#a9bccf', 'stroke-width': 1.5 };
      return (
        sky('#a9c9e8') +
        ground(96, '#fff') +
        stroke('M62 64L36 50M36 50l-4-6M98 64L124 48M124 48l6-3', '#6b4226', 3) +
        circle(80, 92, 24, '#fff', o) +
        circle(80, 60, 17, '#fff', o) +
        circle(80, 36, 13, '#fff', o) +
        rect(67, 46, 26, 6, '#d62828', { rx: 3 }) +
        rect(86, 48, 6, 16, '#d62828', { rx: 2 }) +
        rect(66, 22, 28, 4, '#222') +
        rect(71, 4, 18, 19, '#222') +
        rect(71, 18, 18, 3, '#c1121f') +
        circle(75, 33, 1.8, '#222') +
        circle(85, 33, 1.8, '#222') +
        poly('80,37 96,40 80,41', '#f77f00') +
        stroke('M74 42q6 4 12 0', '#222', 1.5, { 'stroke-dasharray': '1 2' }) +
        circle(80, 58, 2, '#222') +
        circle(80, 66, 2, '#222') +
        circle(80, 86, 2, '#222') +
        flakes(30, 5, 90)
      );
    },
  },
  {
    id: 'lighthouse-night',
    title: 'Lighthouse at night',
    draw: () =>
      sky('#14213d') +
      stars(30, 6, 80) +
      crescent(130, 22, 10, '#14213d') +
      poly('60,37 160,20 160,56', '#ffe27a', { opacity: 0.45 }) +
      poly('48,39 0,26 0,54', '#ffe27a', { opacity: 0.3 }) +
      rect(0, 90, W, 30, '#0d3b66') +
      waves(100, '#3f6f9f') +
      waves(112, '#3f6f9f', -4) +
      ellipse(54, 94, 34, 9, '#4a4a4a') +
      poly('44,92 64,92 60,46 48,46', '#f1f1f1') +
      poly('46.5,74 61.5,74 60.6,64 47.4,64', '#d62828') +
      poly('45.3,88 62.7,88 62,80 46,80', '#d62828') +
      poly('48,56 60,56 59.4,50 48.6,50', '#d62828') +
      rect(46, 44, 16, 3, '#333') +
      rect(48, 32, 12, 12, '#ffe27a') +
      stroke('M54 32v12', '#333', 1) +
      poly('45,32 63,32 54,22', '#d62828') +
      rect(51, 80, 6, 10, '#333', { rx: 3 }),
  },
  {
    id: 'red-rocket-space',
    title: 'Rocket in space',
    draw: () =>
      sky('#0b0f2a') +
      stars(45, 7, 118) +
      circle(128, 30, 14, '#e0a458') +
      ellipse(128, 30, 24, 6, 'none', {
        stroke: '#f4d19b',
        'stroke-width': 2.5,
        transform: 'rotate(-20 128 30)',
      }) +
      circle(28, 96, 6, '#7fb7be') +
      group(
        'rotate(35 70 64)',
        poly('62,92 70,118 78,92', '#ff9f1c') +
          poly('65,92 70,108 75,92', '#ffe066') +
          poly('62,70 50,94 62,90', '#9d0208') +
          poly('78,70 90,94 78,90', '#9d0208') +
          path('M70 22C84 36 84 80 79 92H61C56 80 56 36 70 22Z', '#e63946') +
          path('M70 22C76 28 79 34 80 40H60C61 34 64 28 70 22Z', '#f1f1f1') +
          circle(70, 56, 7, '#a8dadc', { stroke: '#f1f1f1', 'stroke-width': 2.5 }) +
          rect(68, 72, 4, 20, '#9d0208'),
      ),
  },
  {
    id: 'apple-tree',
    title: 'Apple tree',
    draw: () => {
      const r = seededRandom(8);
      let apples = '';
      for (let i = 0; i < 13; i++) {
        const a = r() * Math.PI * 2;
        const d = 6 + r() * 24;
        apples += circle(80 + Math.cos(a) * d * 1.4, 46 + Math.sin(a) * d * 0.8, 4, '#d62828');
      }
      return (
        sky('#bfe6ff') +
        sun(22, 20, 9) +
        ground(96, '#6abf4b') +
        rect(72, 62, 16, 38, '#7a4b2a') +
        circle(80, 40, 30, '#2e9b3e') +
        circle(52, 54, 20, '#2e9b3e') +
        circle(108, 54, 20, '#2e9b3e') +
        circle(66, 30, 16, '#38ac49') +
        circle(98, 32, 16, '#38ac49') +
        apples +
        circle(104, 104, 4, '#d62828') +
        circle(60, 108, 4, '#d62828')
      );
    },
  },
  {
    id: 'autumn-tree-leaves',
    title: 'Autumn tree',
    draw: () => {
      const r = seededRandom(9);
      let leaves = '';
      for (let i = 0; i < 12; i++) {
        const x = 8 + r() * 144;
        const y = 70 + r() * 40;
        leaves += ellipse(x, y, 4, 2, i % 2 ? '#e85d04' : '#f48c06', {
          transform: `rotate(${fmt(r() * 180)} ${fmt(x)} ${fmt(y)})`,
        });
      }
      return (
        sky('#f4e3c1') +
        ground(100, '#b5813f') +
        rect(74, 56, 12, 46, '#5b3a1e') +
        stroke('M80 70L58 48M80 64L104 44M80 60V34', '#5b3a1e', 5) +
        circle(80, 36, 24, '#e85d04') +
        circle(56, 48, 16, '#f48c06') +
        circle(104, 46, 17, '#dc2f02') +
        circle(68, 26, 14, '#faa307') +
        circle(96, 28, 13, '#f48c06') +
        leaves +
        ellipse(40, 104, 18, 4, '#e85d04') +
        ellipse(116, 106, 14, 3, '#f48c06')
      );
    },
  },
  {
    id: 'whale-spouting-ocean',
    title: 'Whale spouting',
    draw: () =>
      sky('#aee2ff') +
      cloud(126, 22, 0.8) +
      rect(0, 70, W, 50, '#1565c0') +
      path(
        'M28 80C36 56 96 52 116 72L134 58C138 64 136 72 132 76C138 80 140 86 140 90L118 84C98 100 40 102 28 80Z',
        '#3a6ea5',
      ) +
      path('M30 84C50 98 96 98 112 86C96 92 56 94 30 84Z', '#cfe3f5') +
      circle(42, 74, 2.2, '#111') +
      stroke('M34 82q8 3 14 1', '#1d3f66', 1.5) +
      stroke('M54 58q-4-14-14-20M54 58q0-16 0-24M54 58q4-14 14-20', '#e3f4ff', 3) +
      waves(88, '#7fb2ea', 0, 26) +
      waves(96, '#7fb2ea', 120, 40) +
      waves(108, '#7fb2ea') +
      waves(116, '#4f8fd8', -4),
  },
  {
    id: 'hot-air-balloon',
    title: 'Hot air balloon',
    draw: () =>
      sky('#87ceeb') +
      cloud(28, 40, 1) +
      cloud(134, 66, 1.1) +
      cloud(44, 100, 0.8) +
      path('M80 12C108 12 114 44 96 66L88 76H72L64 66C46 44 52 12 80 12Z', '#1d4ed8') +
      path('M80 12C97 12 100 44 90 66L85 76H75L70 66C60 44 63 12 80 12Z', '#e63946') +
      path('M80 12C88 12 89 44 84 66L82 76H78L76 66C71 44 72 12 80 12Z', '#ffd60a') +
      stroke('M72 76L74 88M88 76L86 88M80 76V88', '#5a3a22', 1) +
      rect(72, 87, 16, 11, '#8b5a2b', { rx: 2 }) +
      stroke('M72 91H88', '#6b4226', 1.5),
  },
  {
    id: 'city-skyline-night',
    title: 'City skyline at night',
    draw: () => {
      const r = seededRandom(12);
      const towers: [number, number, number, string][] = [
        [4, 56, 26, '#2b2d42'],
        [32, 24, 24, '#3d405b'],
        [58, 46, 20, '#22223b'],
        [80, 12, 26, '#2b2d42'],
        [108, 40, 22, '#3d405b'],
        [132, 62, 26, '#22223b'],
      ];
      let body = '';
      let win = '';
      for (const [x, y, w, c] of towers) {
        body += rect(x, y, w, H - y, c);
        for (let wy = y + 6; wy < 112; wy += 9) {
          for (let wx = x + 4; wx + 4 <= x + w - 2; wx += 7) {
            if (r() < 0.42) win += `M${fmt(wx)} ${fmt(wy)}h4v5h-4z`;
          }
        }
      }
      return (
        sky('#101935') +
        stars(24, 13, 60) +
        crescent(140, 20, 10, '#101935') +
        line(93, 2, 93, 12, '#8d99ae', 1.5) +
        body +
        path(win, '#ffd166')
      );
    },
  },
  {
    id: 'snowy-mountain-peaks',
    title: 'Snowy mountains',
    draw: () => {
      let trees = '';
      for (let i = 0; i < 9; i++) trees += pine(8 + i * 18, 112 - (i % 2) * 4, 30 + (i % 3) * 6);
      return (
        sky('#9fd0f5') +
        poly('-20,100 36,38 92,100', '#7b8a9a') +
        poly('40,100 96,18 156,100', '#6c7a89') +
        poly('106,100 146,48 186,100', '#8a97a6') +
        poly('36,38 25,50 32,48 38,54 44,47 47,50', '#fff') +
        poly('96,18 82,38 90,35 96,42 103,35 110,38', '#fff') +
        poly('146,48 136,60 142,58 148,63 152,57 156,61', '#fff') +
        ground(100, '#f4f8fb') +
        trees
      );
    },
  },
  {
    id: 'yellow-duck-pond',
    title: 'Duck on a pond',
    draw: () =>
      sky('#bde7ff') +
      ground(66, '#7ccf5a') +
      ellipse(80, 94, 72, 22, '#3a8fd6') +
      stroke('M14 80V58M20 82V52M146 84V60M140 82V56', '#3f7d20', 2.5) +
      ellipse(20, 52, 2.5, 6, '#7a4b2a') +
      ellipse(146, 60, 2.5, 6, '#7a4b2a') +
      ellipse(82, 102, 30, 4, 'none', { stroke: '#8cc4f2', 'stroke-width': 1.5 }) +
      path('M58 86C58 104 104 106 108 86C104 78 92 78 86 80L60 82Z', '#ffd60a') +
      path('M56 84L50 76L64 82Z', '#ffd60a') +
      circle(98, 70, 12, '#ffd60a') +
      poly('108,68 122,72 108,76', '#f77f00') +
      circle(101, 67, 2, '#111') +
      path('M70 88Q82 82 96 88Q84 98 70 88Z', '#f2c200'),
  },
  {
    id: 'red-car-road',
    title: 'Red car',
    draw: () =>
      sky('#a7d8ff') +
      sun(136, 22, 8) +
      grassHill(30, 92, 70, 30) +
      grassHill(130, 94, 60, 24, '#5fae3d') +
      rect(0, 90, W, 30, '#555') +
      stroke('M4 106H160', '#fff', 2.5, { 'stroke-dasharray': '12 10' }) +
      path('M52 70L64 52H98L114 70Z', '#d62828') +
      rect(34, 68, 94, 22, '#d62828', { rx: 7 }) +
      poly('59,69 67,56 80,56 80,69', '#bde0fe') +
      poly('84,56 97,56 108,69 84,69', '#bde0fe') +
      stroke('M82 70v18', '#a11d1d', 1.5) +
      rect(120, 72, 8, 5, '#ffe066', { rx: 2 }) +
      rect(34, 73, 5, 5, '#ff6b35') +
      circle(56, 90, 10, '#222') +
      circle(56, 90, 4, '#bbb') +
      circle(108, 90, 10, '#222') +
      circle(108, 90, 4, '#bbb'),
  },
  {
    id: 'green-tractor-field',
    title: 'Green tractor',
    draw: () =>
      sky('#b8e0f6') +
      cloud(30, 24, 0.8) +
      ground(72, '#8b5a2b') +
      stroke('M0 82L160 78M0 92L160 88M0 104L160 100M0 116L160 112', '#6d4420', 2) +
      rect(122, 52, 5, 14, '#333') +
      rect(58, 60, 66, 24, '#2a9d3f', { rx: 3 }) +
      rect(44, 34, 32, 40, '#2a9d3f', { rx: 3 }) +
      rect(49, 39, 22, 18, '#cdeffd') +
      rect(96, 64, 26, 4, '#1f7a30') +
      circle(58, 88, 20, '#222') +
      circle(58, 88, 9, '#ffd60a') +
      circle(112, 96, 12, '#222') +
      circle(112, 96, 5, '#ffd60a'),
  },
  {
    id: 'red-barn-field',
    title: 'Red barn',
    draw: () =>
      sky('#a8dcff') +
      cloud(130, 26, 0.9) +
      ground(94, '#66bb44') +
      rect(126, 44, 20, 56, '#b0b7c0') +
      ellipse(136, 44, 10, 6, '#8d99ae') +
      poly('36,100 36,58 48,38 80,26 112,38 124,58 124,100', '#b22222') +
      stroke('M34 59L48 37L80 25L112 37L126 59', '#5c5c5c', 4) +
      rect(62, 66, 36, 34, '#8b1a1a') +
      stroke('M62 66h36v34h-36zM62 66l36 34M98 66l-36 34', '#fff', 2.5) +
      rect(72, 40, 16, 14, '#fff') +
      rect(74.5, 42.5, 11, 9, '#5a1010') +
      stroke('M0 96H30M0 104H30M6 92V110M18 92V110', '#fff', 2.5) +
      stroke('M130 104H160M136 96V110M150 96V110M130 98H160', '#fff', 2.5),
  },
  {
    id: 'penguin-ice-floe',
    title: 'Penguin on the ice',
    draw: () =>
      sky('#dff3ff') +
      rect(0, 80, W, 40, '#2c7da0') +
      poly('118,80 128,62 140,66 150,80', '#f4fbff') +
      poly('128,62 134,80 150,80 140,66', '#cfe8f5') +
      poly('20,88 140,88 130,102 30,102', '#cfe8f5') +
      rect(20, 84, 120, 5, '#fff', { rx: 2 }) +
      waves(108, '#6aaed0') +
      waves(116, '#6aaed0', -4) +
      ellipse(72, 87, 6, 2.5, '#f77f00') +
      ellipse(88, 87, 6, 2.5, '#f77f00') +
      ellipse(80, 58, 17, 28, '#1a1a1a') +
      ellipse(80, 64, 11, 20, '#fff') +
      ellipse(64, 62, 4, 14, '#1a1a1a', { transform: 'rotate(20 64 62)' }) +
      ellipse(96, 62, 4, 14, '#1a1a1a', { transform: 'rotate(-20 96 62)' }) +
      circle(75, 40, 3, '#fff') +
      circle(85, 40, 3, '#fff') +
      circle(75.5, 40.5, 1.5, '#111') +
      circle(84.5, 40.5, 1.5, '#111') +
      poly('76,46 84,46 80,52', '#f77f00'),
  },
  {
    id: 'palm-tree-island',
    title: 'Palm tree island',
    draw: () => {
      const frond = (d: string) => path(d, '#2d9c4a');
      return (
        sky('#8fe0ff') +
        sun(134, 22, 10) +
        rect(0, 78, W, 42, '#1fa2d6') +
        waves(104, '#7fd3f2') +
        waves(114, '#7fd3f2', -4) +
        ellipse(78, 90, 44, 11, '#f2d28b') +
        stroke('M80 88Q72 62 88 36', '#8b5a2b', 6) +
        stroke('M78 80h5M76 70h5M77 60h5M80 50h5', '#6b4226', 1.5) +
        frond('M88 36Q66 20 48 40Q68 30 88 36Z') +
        frond('M88 36Q110 18 128 38Q108 30 88 36Z') +
        frond('M88 36Q84 14 70 10Q84 22 88 36Z') +
        frond('M88 36Q100 14 116 16Q98 22 88 36Z') +
        frond('M88 36Q74 40 62 60Q78 44 88 36Z') +
        frond('M88 36Q104 42 112 60Q100 44 88 36Z') +
        circle(86, 40, 3.5, '#6b4226') +
        circle(91, 39, 3.5, '#6b4226')
      );
    },
  },
  {
    id: 'sunflower-field',
    title: 'Sunflowers',
    draw: () => {
      const flower = (x: number, y: number, r: number) =>
        stroke(`M${fmt(x)} ${fmt(y)}V120`, '#3a7d2c', 3.5) +
        ellipse(x - 8, y + r + 16, 9, 4, '#4c9a2a', {
          transform: `rotate(-30 ${fmt(x - 8)} ${fmt(y + r + 16)})`,
        }) +
        ellipse(x + 8, y + r + 28, 9, 4, '#4c9a2a', {
          transform: `rotate(30 ${fmt(x + 8)} ${fmt(y + r + 28)})`,
        }) +
        poly(starPoints(x, y, r, r * 0.55, 14), '#ffc300') +
        circle(x, y, r * 0.5, '#6b3e1e');
      return (
        sky('#7ec8f5') +
        ground(100, '#5a9e3a') +
        flower(36, 52, 16) +
        flower(82, 34, 20) +
        flower(128, 58, 15)
      );
    },
  },
  {
    id: 'rainbow-green-hills',
    title: 'Rainbow over hills',
    draw: () => {
      const colors = ['#e63946', '#f77f00', '#ffd60a', '#52b788', '#3a86ff', '#7b2cbf'];
      let arcs = '';
      colors.forEach((c, i) => {
        const r = 62 - i * 5;
        arcs += stroke(`M${fmt(80 - r)} 100A${fmt(r)} ${fmt(r)} 0 0 1 ${fmt(80 + r)} 100`, c, 5.2, {
          'stroke-linecap': 'butt',
        });
      });
      return (
        sky('#cbe9ff') +
        arcs +
        cloud(24, 22, 1, '#9aa5b1') +
        rain(10, 21, '#5b8fc7', [10, 30, 40, 56]) +
        grassHill(30, 110, 70, 26, '#4caf50') +
        grassHill(130, 112, 70, 28, '#6fbf4b')
      );
    },
  },
  {
    id: 'red-umbrella-rain',
    title: 'Red umbrella in the rain',
    draw: () =>
      sky('#8d99ae') +
      rain(50, 22, '#dbe7f3', [0, 0, 164, 120]) +
      ellipse(80, 110, 40, 6, '#6c7a8c') +
      ellipse(80, 110, 18, 3, 'none', { stroke: '#b7c4d4', 'stroke-width': 1 }) +
      stroke('M80 60V100q0 8-7 8t-7-8', '#333', 3.5) +
      path(
        'M28 64A52 44 0 0 1 132 64Q119 56 106 64Q93 56 80 64Q67 56 54 64Q41 56 28 64Z',
        '#d62828',
      ) +
      stroke('M80 20Q64 40 54 64M80 20Q96 40 106 64', '#a11d1d', 1.5) +
      line(80, 14, 80, 21, '#333', 3),
  },
  {
    id: 'owl-full-moon',
    title: 'Owl under the moon',
    draw: () =>
      sky('#1d2951') +
      stars(24, 24, 90) +
      fullMoon(118, 36, 24) +
      stroke('M0 96Q60 88 150 100', '#5b3a1e', 7) +
      ellipse(128, 92, 8, 4, '#3a7d2c', { transform: 'rotate(-20 128 92)' }) +
      ellipse(20, 92, 8, 4, '#3a7d2c', { transform: 'rotate(20 20 92)' }) +
      poly('56,42 54,26 66,36', '#8b5a2b') +
      poly('84,42 86,26 74,36', '#8b5a2b') +
      ellipse(70, 66, 20, 26, '#8b5a2b') +
      ellipse(70, 74, 12, 16, '#d9b38c') +
      stroke('M64 70l3 3 3-3 3 3 3-3M64 78l3 3 3-3 3 3 3-3', '#8b5a2b', 1.2) +
      circle(62, 50, 8, '#fff') +
      circle(78, 50, 8, '#fff') +
      circle(62, 50, 5, '#ffc300') +
      circle(78, 50, 5, '#ffc300') +
      circle(62, 50, 2.5, '#111') +
      circle(78, 50, 2.5, '#111') +
      poly('67,56 73,56 70,62', '#f77f00') +
      stroke('M64 92v3M68 92v3M72 92v3M76 92v3', '#f77f00', 2),
  },
  {
    id: 'goldfish-bowl',
    title: 'Goldfish bowl',
    draw: () =>
      sky('#f6efe2') +
      rect(0, 104, W, 16, '#a06a3b') +
      path('M56 28H104C132 44 130 98 80 106C30 98 28 44 56 28Z', '#cdeeff', {
        stroke: '#7fb8d6',
        'stroke-width': 2.5,
      }) +
      path('M50 38H110C122 56 120 96 80 104C40 96 38 56 50 38Z', '#9ad7f5') +
      stroke('M50 38H110', '#5eaed6', 1.5) +
      stroke('M56 100q-4-18 2-30M62 100q4-14-2-24', '#2d9c4a', 3) +
      ellipse(68, 100, 5, 3, '#e76f51') +
      ellipse(90, 101, 5, 3, '#f4a261') +
      ellipse(100, 99, 4, 2.5, '#2a9d8f') +
      poly('96,66 110,56 108,66 110,76', '#f77f00') +
      ellipse(84, 66, 15, 9, '#f77f00') +
      poly('84,58 90,52 94,60', '#f77f00') +
      circle(76, 64, 2, '#111') +
      stroke('M86 62q3 4 0 8', '#d65f00', 1.2) +
      circle(70, 50, 2.5, 'none', { stroke: '#fff', 'stroke-width': 1 }) +
      circle(66, 42, 1.8, 'none', { stroke: '#fff', 'stroke-width': 1 }),
  },
  {
    id: 'birthday-cake-candles',
    title: 'Birthday cake',
    draw: () => {
      let candles = '';
      for (const x of [62, 80, 98]) {
        candles +=
          rect(x - 2.5, 38, 5, 20, '#fff') +
          stroke(`M${fmt(x - 2.5)} 44l5-3M${fmt(x - 2.5)} 51l5-3`, '#3a86ff', 1.5) +
          ellipse(x, 31, 3.5, 6, '#f77f00') +
          ellipse(x, 33, 2, 3.5, '#ffe066');
      }
      return (
        sky('#fff0f5') +
        dots(30, 25, [4, 4, 156, 90], '#ff70a6', 3) +
        dots(20, 26, [4, 4, 156, 90], '#70d6ff', 3) +
        rect(0, 104, W, 16, '#c9a27e') +
        ellipse(80, 104, 56, 7, '#fff', { stroke: '#ddd', 'stroke-width': 1 }) +
        rect(36, 58, 88, 44, '#f7a1c4', { rx: 4 }) +
        stroke('M36 80H124', '#ff5d8f', 3) +
        path(
          'M36 58H124V66Q118 72 114 66Q108 74 102 66Q96 72 90 66Q84 74 78 66Q72 72 66 66Q60 74 54 66Q48 72 42 66Q38 70 36 66Z',
          '#fff',
        ) +
        candles +
        dots(8, 27, [42, 86, 118, 98], '#fff', 3)
      );
    },
  },
  {
    id: 'pepperoni-pizza',
    title: 'Pepperoni pizza',
    draw: () => {
      let pep = '';
      const spots: [number, number][] = [
        [62, 44],
        [92, 40],
        [106, 62],
        [74, 66],
        [56, 80],
        [90, 86],
        [80, 34],
        [110, 82],
      ];
      for (const [x, y] of spots)
        pep += circle(x, y, 6.5, '#c1272d') + circle(x - 2, y - 2, 1.2, '#e85d5d');
      return (
        sky('#7a4a2b') +
        stroke('M0 20H160M0 50H160M0 80H160M0 110H160', '#6a3e22', 2) +
        circle(80, 62, 50, '#e3a857') +
        circle(80, 62, 43, '#ffcf56') +
        dots(14, 28, [48, 30, 112, 94], '#e8833a', 5) +
        pep +
        ellipse(70, 52, 4, 2, '#2d9c4a', { transform: 'rotate(30 70 52)' }) +
        ellipse(98, 72, 4, 2, '#2d9c4a', { transform: 'rotate(-40 98 72)' }) +
        ellipse(66, 92, 4, 2, '#2d9c4a') +
        stroke('M80 19V105M37 62H123M50 32L110 92M110 32L50 92', '#d99a46', 1.5)
      );
    },
  },
  {
    id: 'steam-train-bridge',
    title: 'Steam train on a bridge',
    draw: () => {
      let arches = '';
      for (const x of [6, 46, 86, 126]) {
        arches += path(`M${fmt(x)} 120V104A14 14 0 0 1 ${fmt(x + 28)} 104V120Z`, '#4a90c2');
      }
      return (
        sky('#bfe3ff') +
        grassHill(20, 86, 50, 20) +
        grassHill(140, 86, 50, 18, '#5fae3d') +
        rect(0, 80, W, 40, '#9e9e9e') +
        arches +
        stroke('M0 86H160M0 96H8M34 96H48M74 96H88M114 96H128M154 96H160', '#7d7d7d', 1) +
        rect(0, 76, W, 4, '#5c4033') +
        circle(112, 32, 6, '#ccc') +
        circle(98, 22, 8, '#ddd') +
        circle(80, 16, 10, '#e9e9e9') +
        rect(10, 52, 50, 20, '#2a9d8f', { rx: 2 }) +
        rect(16, 56, 8, 7, '#cdeffd') +
        rect(30, 56, 8, 7, '#cdeffd') +
        rect(44, 56, 8, 7, '#cdeffd') +
        rect(58, 64, 10, 3, '#333') +
        rect(66, 42, 24, 30, '#c1121f') +
        rect(70, 47, 16, 10, '#ffe8a3') +
        rect(64, 40, 28, 4, '#333') +
        rect(88, 54, 40, 18, '#1d3557', { rx: 3 }) +
        rect(114, 38, 8, 16, '#222') +
        rect(112, 36, 12, 4, '#222') +
        poly('128,60 140,74 128,74', '#444') +
        circle(20, 73, 5, '#222') +
        circle(50, 73, 5, '#222') +
        circle(76, 72, 6, '#222') +
        circle(100, 71, 7, '#222') +
        circle(118, 71, 7, '#222')
      );
    },
  },
  {
    id: 'pyramids-desert-sun',
    title: 'Pyramids',
    draw: () =>
      sky('#fde2a4') +
      sun(34, 26, 14) +
      poly('68,90 112,30 156,90', '#e2b45c') +
      poly('112,30 156,90 126,90', '#b98c38') +
      poly('10,90 52,40 94,90', '#eabf67') +
      poly('52,40 94,90 64,90', '#c29443') +
      poly('108,92 126,68 144,92', '#d9a94f') +
      poly('126,68 144,92 132,92', '#b0833a') +
      stroke('M28 70H76M22 78H82M40 60H64M86 60H138M80 70H146', '#caa050', 1) +
      ground(88, '#e9c46a') +
      stroke('M10 100q20-4 40 0M90 110q24-4 48 0', '#d4a94c', 2),
  },
  {
    id: 'erupting-volcano',
    title: 'Erupting volcano',
    draw: () =>
      sky('#3d2c3e') +
      circle(56, 22, 14, '#6c5b6e') +
      circle(74, 14, 16, '#7a6a7c') +
      circle(96, 20, 14, '#6c5b6e') +
      poly('0,120 62,50 98,50 160,120', '#5c4033') +
      poly('62,50 98,50 90,58 70,58', '#2b1d16') +
      path('M70 56L60 80L66 82L56 104L72 82L66 80L78 56Z', '#ff4d00') +
      path('M88 56L96 76L90 78L104 110L100 78L106 76L92 56Z', '#ff4d00') +
      path('M62 50Q80 20 98 50Z', '#ff7b00') +
      path('M70 50Q80 30 90 50Z', '#ffd60a') +
      circle(54, 34, 3, '#ff4d00') +
      circle(110, 30, 3.5, '#ff7b00') +
      circle(118, 44, 2.5, '#ff4d00') +
      circle(44, 46, 2.5, '#ff7b00') +
      ground(112, '#2b1d16'),
  },
  {
    id: 'tent-campfire-stars',
    title: 'Camping at night',
    draw: () =>
      sky('#0f1b33') +
      stars(40, 30, 60) +
      pine(10, 96, 50, '#10291c') +
      pine(150, 96, 56, '#10291c') +
      pine(136, 94, 40, '#163824') +
      ground(92, '#1f3d2b') +
      ellipse(114, 102, 30, 8, '#ff9f1c', { opacity: 0.3 }) +
      poly('26,100 60,46 94,100', '#e76f51') +
      poly('60,46 94,100 78,100', '#c65a3f') +
      poly('60,60 50,100 70,100', '#3d1f14') +
      line(60, 46, 60, 40, '#5b3a1e', 2) +
      stroke('M104 104L126 96M104 96L126 104', '#6b4226', 4) +
      path('M106 98C102 86 110 80 112 70C116 80 124 86 122 98Z', '#f77f00') +
      path('M110 98C108 90 112 86 114 80C116 86 120 90 118 98Z', '#ffd60a'),
  },
  {
    id: 'stone-castle-hill',
    title: 'Castle on a hill',
    draw: () => {
      const merlons = (x: number, y: number, n: number) => {
        let d = '';
        for (let i = 0; i < n; i++) d += `M${fmt(x + i * 8)} ${fmt(y)}h5v-6h-5z`;
        return d;
      };
      return (
        sky('#9fd3ff') +
        cloud(30, 22, 0.8) +
        grassHill(80, 124, 110, 30, '#5fae3d') +
        path(merlons(42, 62, 10) + merlons(26, 46, 3) + merlons(111, 46, 3), '#8d949c') +
        rect(40, 62, 80, 40, '#9aa0a6') +
        rect(26, 46, 21, 56, '#8d949c') +
        rect(111, 46, 21, 56, '#8d949c') +
        stroke('M40 72H120M40 84H120M26 60H46M26 80H46M112 60H132M112 80H132', '#7d848c', 1) +
        path('M70 102V84A10 10 0 0 1 90 84V102Z', '#4a3b2a') +
        rect(34, 56, 4, 10, '#333') +
        rect(120, 56, 4, 10, '#333') +
        line(36, 40, 36, 22, '#333', 1.5) +
        line(122, 40, 122, 22, '#333', 1.5) +
        poly('36,22 50,26 36,30', '#e63946') +
        poly('122,22 136,26 122,30', '#1d4ed8')
      );
    },
  },
  {
    id: 'windmill-tulip-field',
    title: 'Windmill and tulips',
    draw: (u) => {
      const t = u('t');
      let field = '';
      for (let i = 0; i < 9; i++) {
        field += `<use href="#${t}" x="${fmt(6 + i * 18)}" y="92"/>`;
        field += `<use href="#${t}" x="${fmt(-3 + i * 18)}" y="106"/>`;
      }
      const sail = (a: number) =>
        group(
          `rotate(${fmt(a)} 80 40)`,
          rect(78, 6, 4, 34, '#5b3a1e'),
          rect(82, 8, 10, 28, '#f1f1f1', { stroke: '#5b3a1e', 'stroke-width': 1 }),
        );
      return (
        `<defs><g id="${t}">${stroke('M0 0V14', '#3a7d2c', 2)}${path('M-5-9l2.5 3 2.5-3 2.5 3 2.5-3V-2a5 5 0 0 1-10 0Z', '#e63946')}</g></defs>` +
        sky('#aee0ff') +
        cloud(130, 24, 0.8) +
        ground(78, '#6fbf4b') +
        poly('66,92 94,92 88,40 72,40', '#8b5a2b') +
        poly('70,40 90,40 80,28', '#5b3a1e') +
        path('M74 92V80A6 6 0 0 1 86 80V92Z', '#3d2614') +
        circle(80, 58, 4, '#cdeffd') +
        sail(20) +
        sail(110) +
        sail(200) +
        sail(290) +
        circle(80, 40, 3, '#333') +
        rect(0, 86, W, 34, '#4c9a2a') +
        field
      );
    },
  },
  {
    id: 'purple-butterfly-flower',
    title: 'Butterfly on a flower',
    draw: () => {
      let petals = '';
      for (let i = 0; i < 6; i++) {
        const a = (i * Math.PI) / 3;
        petals += circle(80 + Math.cos(a) * 14, 94 + Math.sin(a) * 10, 10, '#ff69b4');
      }
      return (
        sky('#d8f3dc') +
        ground(108, '#74c69d') +
        stroke('M80 100V120', '#2d6a4f', 4) +
        petals +
        circle(80, 94, 8, '#ffd60a') +
        ellipse(58, 46, 22, 16, '#7b2cbf', { transform: 'rotate(-25 58 46)' }) +
        ellipse(102, 46, 22, 16, '#7b2cbf', { transform: 'rotate(25 102 46)' }) +
        ellipse(64, 72, 13, 11, '#c77dff', { transform: 'rotate(25 64 72)' }) +
        ellipse(96, 72, 13, 11, '#c77dff', { transform: 'rotate(-25 96 72)' }) +
        circle(54, 44, 5, '#e0aaff') +
        circle(106, 44, 5, '#e0aaff') +
        circle(62, 72, 3, '#fff') +
        circle(98, 72, 3, '#fff') +
        ellipse(80, 60, 4, 24, '#2b2b2b') +
        stroke('M78 38Q72 24 64 22M82 38Q88 24 96 22', '#2b2b2b', 1.5) +
        circle(64, 22, 2, '#2b2b2b') +
        circle(96, 22, 2, '#2b2b2b')
      );
    },
  },
  {
    id: 'ladybug-green-leaf',
    title: 'Ladybug on a leaf',
    draw: () =>
      sky('#f1faee') +
      path('M10 110C20 40 90 10 150 12C140 70 90 110 10 110Z', '#52b788') +
      stroke(
        'M10 110L150 12M50 82L44 56M80 60L74 32M108 40L104 22M62 74L98 80M92 50L126 52',
        '#2d6a4f',
        2,
      ) +
      stroke('M64 52l-10-6M62 64h-12M66 76l-8 8M98 50l8-8M102 62h12M98 74l8 8', '#111', 2.5) +
      circle(58, 50, 9, '#111') +
      circle(54, 46, 2, '#fff') +
      circle(60, 54, 2, '#fff') +
      stroke('M54 42l-6-8M60 42l2-10', '#111', 1.5) +
      circle(82, 62, 22, '#d62828') +
      stroke('M66 46L98 78', '#111', 2) +
      circle(72, 64, 4.5, '#111') +
      circle(80, 50, 4, '#111') +
      circle(92, 60, 4.5, '#111') +
      circle(84, 74, 4, '#111') +
      circle(96, 70, 3, '#111') +
      circle(68, 54, 3, '#111'),
  },
  {
    id: 'ufo-beam-night',
    title: 'Flying saucer',
    draw: () =>
      sky('#0b1026') +
      stars(40, 32, 110) +
      ground(104, '#1b4332') +
      poly('64,48 96,48 124,108 36,108', '#b9fbc0', { opacity: 0.45 }) +
      ellipse(80, 106, 44, 5, '#b9fbc0', { opacity: 0.6 }) +
      ellipse(80, 34, 16, 14, '#9ef0ff', { opacity: 0.85 }) +
      circle(80, 32, 7, '#70e000') +
      ellipse(77, 31, 2.2, 3, '#111') +
      ellipse(83, 31, 2.2, 3, '#111') +
      stroke('M76 26l-3-6M84 26l3-6', '#70e000', 1.5) +
      ellipse(80, 44, 40, 10, '#8d99ae') +
      ellipse(80, 42, 40, 6, '#adb5bd') +
      stroke('M50 45h0M65 48h0M80 49h0M95 48h0M110 45h0', '#ffd60a', 5),
  },
  {
    id: 'cherry-blossom-tree',
    title: 'Cherry blossom',
    draw: () =>
      sky('#e6f4ff') +
      ground(98, '#a7d98b') +
      path(
        'M74 100L76 70L58 50L64 48L78 64L80 44L84 44L84 64L100 50L104 54L86 72L88 100Z',
        '#5b3a1e',
      ) +
      circle(80, 40, 26, '#ffb7c5') +
      circle(54, 50, 18, '#ffc8d3') +
      circle(106, 50, 18, '#ffc8d3') +
      circle(64, 30, 14, '#ff8fab') +
      circle(98, 32, 14, '#ff8fab') +
      dots(40, 36, [40, 16, 122, 66], '#fb6f92', 3.5) +
      dots(20, 37, [40, 16, 122, 66], '#fff', 3) +
      dots(14, 38, [10, 60, 150, 112], '#ff8fab', 3.5),
  },
  {
    id: 'red-spotted-mushrooms',
    title: 'Red mushrooms',
    draw: () => {
      const shroom = (x: number, base: number, s: number) =>
        group(
          `translate(${fmt(x)} ${fmt(base)}) scale(${fmt(s)})`,
          rect(-7, -26, 14, 26, '#f5efe0', { rx: 5 }),
          path('M-24-22A24 22 0 0 1 24-22Z', '#d62828'),
          circle(-12, -30, 3.5, '#fff'),
          circle(0, -38, 4, '#fff'),
          circle(12, -30, 3.5, '#fff'),
          circle(-4, -27, 2.5, '#fff'),
        );
      return (
        sky('#cfe8c4') +
        rect(10, 0, 18, 96, '#7a5230') +
        rect(124, 0, 22, 96, '#6b4226') +
        rect(70, 0, 10, 96, '#8b6440') +
        ground(94, '#5c3d22') +
        dots(16, 40, [4, 98, 156, 118], '#d9822b', 5) +
        shroom(52, 106, 1.3) +
        shroom(100, 104, 1) +
        shroom(124, 112, 0.7) +
        stroke('M20 106l-3-8M24 106v-9M28 106l3-8', '#3a7d2c', 2)
      );
    },
  },
  {
    id: 'yellow-submarine',
    title: 'Yellow submarine',
    draw: (u) =>
      gradientSky(u('sea'), ['#48cae4', '#0077b6', '#023e8a']) +
      poly('20,0 40,0 70,120 40,120', '#fff', { opacity: 0.08 }) +
      poly('100,0 116,0 140,120 116,120', '#fff', { opacity: 0.08 }) +
      path('M0 108Q40 100 80 108T160 106V120H0Z', '#e9c46a') +
      stroke('M96 48V30H106', '#c99a00', 3) +
      rect(62, 34, 26, 18, '#ffd60a', { rx: 5 }) +
      ellipse(78, 62, 46, 18, '#ffd60a') +
      path('M124 62l8-8v16z', '#c99a00') +
      circle(58, 62, 6, '#90e0ef', { stroke: '#c99a00', 'stroke-width': 2 }) +
      circle(78, 62, 6, '#90e0ef', { stroke: '#c99a00', 'stroke-width': 2 }) +
      circle(98, 62, 6, '#90e0ef', { stroke: '#c99a00', 'stroke-width': 2 }) +
      circle(140, 40, 3, 'none', { stroke: '#caf0f8', 'stroke-width': 1.2 }) +
      circle(146, 28, 2, 'none', { stroke: '#caf0f8', 'stroke-width': 1.2 }) +
      circle(136, 18, 2.5, 'none', { stroke: '#caf0f8', 'stroke-width': 1.2 }) +
      ellipse(26, 90, 7, 4, '#f77f00') +
      poly('33,90 39,86 39,94', '#f77f00'),
  },
  {
    id: 'purple-octopus-seabed',
    title: 'Octopus',
    draw: () =>
      sky('#0a4f8f') +
      path('M0 104Q40 96 80 104T160 102V120H0Z', '#d9b26f') +
      stroke('M16 110Q8 96 16 84T16 60M26 110Q34 96 26 84T28 66', '#2d9c4a', 4) +
      stroke('M140 110Q132 96 140 84T138 56', '#2d9c4a', 4) +
      stroke(
        'M66 66Q50 80 56 96Q60 104 50 104M72 70Q66 90 70 104M80 70V104M88 70Q94 90 90 104M94 66Q110 80 104 96Q100 104 110 104M62 62Q40 70 38 90',
        '#9d4edd',
        7,
      ) +
      ellipse(80, 46, 24, 26, '#9d4edd') +
      circle(72, 50, 6, '#fff') +
      circle(88, 50, 6, '#fff') +
      circle(73, 51, 3, '#111') +
      circle(87, 51, 3, '#111') +
      stroke('M74 62q6 4 12 0', '#5a189a', 2) +
      circle(120, 30, 3, 'none', { stroke: '#caf0f8', 'stroke-width': 1.2 }) +
      circle(126, 18, 2, 'none', { stroke: '#caf0f8', 'stroke-width': 1.2 }),
  },
  {
    id: 'red-crab-beach',
    title: 'Crab on the beach',
    draw: () =>
      sky('#9be3ff') +
      rect(0, 40, W, 24, '#2a9df4') +
      path('M0 62Q20 58 40 62T80 62T120 62T160 62V120H0Z', '#f4d58d') +
      stroke('M0 62Q20 58 40 62T80 62T120 62T160 62', '#fff', 3) +
      stroke(
        'M58 84L40 72M56 90L38 92M58 96L42 106M102 84L120 72M104 90L122 92M102 96L118 106',
        '#c1121f',
        3,
      ) +
      stroke('M66 74L50 56M94 74L110 56', '#c1121f', 4) +
      path('M50 56m-10 0a10 10 0 1 0 20 0l-8-2l5-6a10 10 0 0 0-17 8Z', '#e63946') +
      path('M110 56m10 0a10 10 0 1 1-20 0l8-2l-5-6a10 10 0 0 1 17 8Z', '#e63946') +
      ellipse(80, 88, 26, 15, '#e63946') +
      stroke('M72 76v-10M88 76v-10', '#c1121f', 2) +
      circle(72, 64, 4, '#fff') +
      circle(88, 64, 4, '#fff') +
      circle(72, 64, 2, '#111') +
      circle(88, 64, 2, '#111') +
      stroke('M74 92q6 4 12 0', '#8e0e16', 2) +
      path('M128 108l4-8 4 8-8-5h8z', '#ff9f1c') +
      ellipse(24, 104, 7, 5, '#f8f0e3', { stroke: '#d9b26f', 'stroke-width': 1 }),
  },
  {
    id: 'pink-ice-cream-cone',
    title: 'Ice cream cone',
    draw: () =>
      sky('#bde0fe') +
      dots(12, 41, [6, 6, 154, 114], '#fff', 6) +
      poly('58,64 102,64 80,114', '#d4a373') +
      stroke('M62 72L96 72M64 80L84 110M70 66L90 106M84 66L68 104M96 66L76 110', '#b07a45', 1.5) +
      circle(80, 48, 24, '#ffafcc') +
      path('M56 56Q58 70 64 64Q68 74 74 66Q80 76 86 66Q92 74 96 64Q102 70 104 56Z', '#ffafcc') +
      ellipse(72, 40, 6, 4, '#ffd6e5') +
      stroke('M70 34l4 2M88 36l-3 3M78 52l4-1M92 50l2 4M66 48l1 4M84 28l3 1', '#7b2cbf', 2) +
      stroke('M90 30l-1 4M74 58l3 2M96 42l2-3', '#3a86ff', 2) +
      stroke('M82 22q2-8 8-10', '#3a7d2c', 1.5) +
      circle(82, 22, 5, '#d62828'),
  },
  {
    id: 'steaming-coffee-mug',
    title: 'Coffee mug',
    draw: () =>
      sky('#f1e3d3') +
      rect(0, 98, W, 22, '#8b5e3c') +
      ellipse(78, 100, 40, 6, '#e9ecef') +
      stroke('M104 62h8q10 0 10 12t-10 12h-8', '#fff', 6) +
      path('M50 52H106V90Q106 98 98 98H58Q50 98 50 90Z', '#fff', {
        stroke: '#ccc',
        'stroke-width': 1,
      }) +
      ellipse(78, 52, 28, 6, '#5a3825') +
      stroke('M66 44q-6-8 0-16t0-16M80 44q-6-8 0-16t0-16M94 44q-6-8 0-16t0-16', '#b8a89a', 2.5) +
      rect(50, 66, 56, 10, '#c0392b') +
      ellipse(20, 108, 5, 3.5, '#4a2c1a') +
      ellipse(32, 110, 5, 3.5, '#4a2c1a') +
      ellipse(138, 108, 5, 3.5, '#4a2c1a'),
  },
  {
    id: 'blue-bicycle-park',
    title: 'Blue bicycle',
    draw: () =>
      sky('#cfefff') +
      ground(80, '#7ccf5a') +
      rect(0, 104, W, 16, '#d6c4a8') +
      rect(136, 40, 8, 44, '#7a4b2a') +
      circle(140, 30, 20, '#2e9b3e') +
      circle(20, 58, 14, '#38ac49') +
      rect(18, 68, 5, 16, '#7a4b2a') +
      circle(46, 92, 18, 'none', { stroke: '#222', 'stroke-width': 3.5 }) +
      circle(114, 92, 18, 'none', { stroke: '#222', 'stroke-width': 3.5 }) +
      stroke('M46 74V110M28 92H64M114 74V110M96 92H132', '#aaa', 0.8) +
      stroke('M46 92L70 60L78 92ZM70 60H104L78 92M46 92L78 92M106 56L114 92', '#1d4ed8', 4) +
      stroke('M66 54H78M102 50L108 48L116 52', '#222', 4) +
      circle(78, 92, 4, '#444'),
  },
  {
    id: 'airplane-above-clouds',
    title: 'Airplane above the clouds',
    draw: () =>
      sky('#3d8fd4') +
      cloud(20, 106, 1.6) +
      cloud(70, 110, 1.8) +
      cloud(126, 104, 1.7) +
      cloud(160, 112, 1.4) +
      path('M28 46L24 22H34L52 42Z', '#e9ecef', { stroke: '#adb5bd', 'stroke-width': 1 }) +
      path('M24 46H118Q136 46 140 54Q136 60 120 60H34Q24 60 24 46Z', '#fff', {
        stroke: '#adb5bd',
        'stroke-width': 1,
      }) +
      path('M72 56H96L74 86H62Z', '#dee2e6', { stroke: '#adb5bd', 'stroke-width': 1 }) +
      ellipse(80, 64, 8, 4, '#adb5bd') +
      stroke('M46 51H112', '#1d3557', 3, { 'stroke-dasharray': '0.1 5' }) +
      path('M126 48h7q4 0 5 4h-12z', '#1d3557') +
      stroke('M28 56H120', '#3a86ff', 2),
  },
  {
    id: 'kite-windy-sky',
    title: 'Kite in the wind',
    draw: () =>
      sky('#89c2d9') +
      cloud(34, 26, 0.8) +
      cloud(140, 84, 0.7) +
      grassHill(40, 126, 100, 28) +
      stroke('M18 22q12-4 22 0M120 20q10-4 20 0M10 60q14-4 26 0', '#e0f2fb', 2) +
      stroke('M96 70Q70 90 30 110', '#333', 1) +
      stroke('M96 70Q90 84 100 92T104 112', '#555', 1) +
      poly('96,84 104,88 96,92', '#e63946') +
      poly('100,100 108,104 100,108', '#ffd60a') +
      poly('96,14 96,38 76,38', '#e63946') +
      poly('96,14 116,38 96,38', '#ffd60a') +
      poly('76,38 96,38 96,70', '#3a86ff') +
      poly('96,38 116,38 96,70', '#52b788') +
      stroke('M96 14V70M76 38H116', '#5b3a1e', 1.5),
  },
  {
    id: 'green-frog-lily-pad',
    title: 'Frog on a lily pad',
    draw: () =>
      sky('#2f7d8c') +
      ellipse(40, 30, 20, 5, 'none', { stroke: '#5aa5b3', 'stroke-width': 1.5 }) +
      ellipse(130, 106, 22, 5, 'none', { stroke: '#5aa5b3', 'stroke-width': 1.5 }) +
      path('M80 90L80 64A50 26 0 1 1 66 65Z', '#52b788') +
      ellipse(130, 40, 16, 8, '#40916c') +
      circle(128, 36, 6, '#ffafcc') +
      circle(128, 36, 2.5, '#ffd60a') +
      ellipse(56, 86, 12, 7, '#5ca904') +
      ellipse(104, 86, 12, 7, '#5ca904') +
      ellipse(80, 76, 22, 16, '#70e000') +
      ellipse(80, 82, 13, 9, '#ccff33') +
      circle(68, 58, 8, '#70e000') +
      circle(92, 58, 8, '#70e000') +
      circle(68, 57, 5, '#fff') +
      circle(92, 57, 5, '#fff') +
      circle(68, 58, 2.5, '#111') +
      circle(92, 58, 2.5, '#111') +
      stroke('M68 70q12 8 24 0', '#2b7a0b', 2) +
      stroke('M70 90l-4 6M90 90l4 6', '#5ca904', 4),
  },
  {
    id: 'log-cabin-snowy-night',
    title: 'Cabin in the snow',
    draw: () =>
      sky('#1c2541') +
      stars(30, 44, 60) +
      crescent(130, 22, 11, '#1c2541') +
      path('M0 88Q60 78 160 90V120H0Z', '#f4f8fb') +
      pine(18, 96, 44, '#1f4d35') +
      pine(142, 98, 48, '#1f4d35') +
      ellipse(76, 102, 36, 6, '#ffd166', { opacity: 0.35 }) +
      rect(98, 34, 9, 18, '#5c3b1e') +
      circle(104, 28, 4, '#8d99ae') +
      circle(110, 20, 5, '#8d99ae') +
      rect(46, 62, 60, 34, '#8b5a2b') +
      stroke('M46 69H106M46 76H106M46 83H106M46 90H106', '#6b4226', 1.5) +
      poly('40,64 76,38 112,64', '#5c3b1e') +
      path('M40 64L76 38L112 64L106 64Q96 56 88 62Q80 54 70 60Q60 54 52 62Q46 58 40 64Z', '#fff') +
      rect(54, 70, 16, 14, '#ffd166') +
      stroke('M62 70V84M54 77H70', '#6b4226', 1.5) +
      rect(80, 70, 14, 26, '#4a2c1a') +
      flakes(18, 45, 80),
  },
  {
    id: 'christmas-tree-presents',
    title: 'Christmas tree',
    draw: () =>
      sky('#f4e9d8') +
      rect(0, 100, W, 20, '#a0522d') +
      rect(74, 88, 12, 14, '#5b3a1e') +
      poly('80,14 104,44 56,44', '#2d6a4f') +
      poly('80,30 112,66 48,66', '#2d6a4f') +
      poly('80,50 120,92 40,92', '#2d6a4f') +
      stroke('M62 40Q80 48 98 38M54 62Q80 72 106 60M46 86Q80 98 114 84', '#ffd60a', 2) +
      circle(70, 34, 3.5, '#e63946') +
      circle(92, 52, 3.5, '#3a86ff') +
      circle(64, 56, 3.5, '#ffd60a') +
      circle(84, 64, 3.5, '#e63946') +
      circle(58, 80, 3.5, '#3a86ff') +
      circle(100, 78, 3.5, '#e63946') +
      circle(78, 84, 3.5, '#ffd60a') +
      poly(starPoints(80, 14, 10, 4, 5), '#ffc300') +
      rect(22, 88, 24, 20, '#e63946') +
      stroke('M34 88V108M22 98H46', '#ffd60a', 3) +
      rect(112, 92, 26, 16, '#3a86ff') +
      stroke('M125 92V108M112 100H138', '#fff', 3) +
      rect(92, 100, 16, 10, '#9d4edd') +
      stroke('M100 100V110', '#ffd60a', 2.5),
  },
  {
    id: 'jack-o-lantern-night',
    title: "Jack-o'-lantern",
    draw: () =>
      sky('#24123f') +
      stars(18, 46, 50) +
      fullMoon(130, 26, 14) +
      path(
        'M30 30q6-8 12-2q4-6 6 0q2-6 6 0q6-6 12 2q-8-2-10 4q-4-4-8 0q-4-4-8 0q-2-6-10-4Z',
        '#111',
      ) +
      ground(100, '#1a0f0a') +
      ellipse(80, 106, 56, 7, '#ff9f1c', { opacity: 0.35 }) +
      rect(76, 38, 8, 12, '#3a7d2c', { rx: 2 }) +
      ellipse(62, 80, 22, 28, '#e76f00') +
      ellipse(98, 80, 22, 28, '#e76f00') +
      ellipse(80, 78, 22, 30, '#f77f00') +
      poly('62,70 72,70 67,60', '#ffe066') +
      poly('88,70 98,70 93,60', '#ffe066') +
      poly('77,80 83,80 80,74', '#ffe066') +
      poly('58,88 102,88 96,98 90,94 85,99 80,94 75,99 70,94 64,98', '#ffe066'),
  },
  {
    id: 'white-rabbit-meadow',
    title: 'White rabbit',
    draw: () => {
      const daisy = (x: number, y: number) => circle(x, y, 5, '#fff') + circle(x, y, 2, '#ffd60a');
      return (
        sky('#bde0fe') +
        sun(134, 22, 9) +
        ground(72, '#80b918') +
        daisy(20, 90) +
        daisy(42, 108) +
        daisy(136, 96) +
        daisy(118, 112) +
        daisy(20, 112) +
        daisy(146, 78) +
        ellipse(88, 92, 24, 17, '#fff', { stroke: '#ccc', 'stroke-width': 1 }) +
        circle(112, 88, 6, '#fff', { stroke: '#ccc', 'stroke-width': 1 }) +
        ellipse(60, 48, 5, 17, '#fff', {
          stroke: '#ccc',
          'stroke-width': 1,
          transform: 'rotate(-12 60 48)',
        }) +
        ellipse(72, 48, 5, 17, '#fff', {
          stroke: '#ccc',
          'stroke-width': 1,
          transform: 'rotate(12 72 48)',
        }) +
        ellipse(60, 48, 2, 12, '#ffafcc', { transform: 'rotate(-12 60 48)' }) +
        ellipse(72, 48, 2, 12, '#ffafcc', { transform: 'rotate(12 72 48)' }) +
        circle(66, 74, 14, '#fff', { stroke: '#ccc', 'stroke-width': 1 }) +
        circle(60, 72, 2, '#111') +
        circle(55, 78, 2, '#ff8fab') +
        ellipse(76, 106, 9, 4, '#fff', { stroke: '#ccc', 'stroke-width': 1 })
      );
    },
  },
  {
    id: 'elephant-savanna',
    title: 'Elephant on the savanna',
    draw: () =>
      sky('#fcd5a5') +
      sun(30, 24, 11, false) +
      ground(88, '#d4a259') +
      stroke('M126 90L124 50M124 60L110 44M124 56L138 42', '#5b3a1e', 3) +
      ellipse(124, 40, 30, 8, '#5a7d2b') +
      rect(62, 84, 10, 20, '#7d8796') +
      rect(96, 84, 10, 20, '#7d8796') +
      ellipse(84, 74, 30, 20, '#8d99ae') +
      rect(56, 84, 10, 22, '#8d99ae') +
      rect(90, 84, 10, 22, '#8d99ae') +
      stroke('M114 70q6 6 4 16', '#8d99ae', 2) +
      stroke('M36 66q-8 14-2 28', '#8d99ae', 8) +
      circle(44, 62, 15, '#8d99ae') +
      ellipse(56, 64, 10, 14, '#7a8799') +
      circle(40, 58, 2, '#111') +
      stroke('M36 74q-6 4-10 0', '#f8f9fa', 3),
  },
  {
    id: 'brown-dog-red-ball',
    title: 'Dog with a ball',
    draw: () =>
      sky('#bfe6ff') +
      cloud(36, 24, 0.8) +
      ground(84, '#6abf4b') +
      stroke('M50 84L38 100M58 86L56 104M86 86L96 102M94 84L110 96', '#8b4513', 6) +
      stroke('M46 76Q32 70 30 56', '#8b4513', 5) +
      ellipse(72, 78, 28, 13, '#a0522d') +
      circle(104, 64, 13, '#a0522d') +
      ellipse(116, 70, 8, 6, '#a0522d') +
      circle(122, 68, 2.5, '#111') +
      ellipse(98, 66, 5, 10, '#6b3410', { transform: 'rotate(20 98 66)' }) +
      circle(106, 60, 2, '#111') +
      stroke('M112 76q4 2 7 0', '#111', 1.2) +
      stroke('M94 70L100 80', '#d62828', 3) +
      circle(140, 100, 8, '#d62828') +
      stroke('M134 96q6 4 12 0', '#fff', 1.5),
  },
  {
    id: 'acoustic-guitar',
    title: 'Acoustic guitar',
    draw: () =>
      sky('#2a9d8f') +
      group(
        'rotate(30 80 60)',
        rect(76, 0, 8, 54, '#5c3b1e'),
        rect(74, -8, 12, 14, '#3d2614', { rx: 2 }),
        stroke('M74 -4h-3M74 2h-3M86 -4h3M86 2h3', '#ddd', 2),
        circle(80, 94, 26, '#d08c38'),
        circle(80, 62, 19, '#d08c38'),
        circle(80, 74, 8, '#3d2614'),
        rect(70, 96, 20, 4, '#3d2614'),
        stroke('M78 6V98M80 6V98M82 6V98', '#eee', 0.6),
      ) +
      stroke('M24 40V20l10-4V36M130 90V72', '#fff', 2, { 'stroke-linecap': 'butt' }) +
      ellipse(21, 41, 4, 3, '#fff') +
      ellipse(31, 37, 4, 3, '#fff') +
      ellipse(127, 91, 4, 3, '#fff') +
      stroke('M130 72q6 2 6 8', '#fff', 2),
  },
  {
    id: 'bee-hive-honey',
    title: 'Bees and a beehive',
    draw: () => {
      const bee = (x: number, y: number) =>
        ellipse(x - 3, y - 7, 5, 4, '#e0f7ff', { opacity: 0.9 }) +
        ellipse(x + 3, y - 7, 5, 4, '#e0f7ff', { opacity: 0.9 }) +
        ellipse(x, y, 10, 7, '#ffd60a') +
        stroke(`M${fmt(x - 3)} ${fmt(y - 6)}v12M${fmt(x + 3)} ${fmt(y - 6)}v12`, '#111', 2.5, {
          'stroke-linecap': 'butt',
        }) +
        circle(x + 10, y, 4, '#111');
      return (
        sky('#bde0fe') +
        stroke('M0 10Q60 16 160 8', '#5b3a1e', 6) +
        line(56, 12, 56, 22, '#5b3a1e', 3) +
        ellipse(56, 34, 16, 10, '#f4a261') +
        ellipse(56, 50, 22, 11, '#e9c46a') +
        ellipse(56, 66, 24, 11, '#f4a261') +
        ellipse(56, 82, 20, 10, '#e9c46a') +
        ellipse(56, 92, 12, 6, '#f4a261') +
        ellipse(56, 70, 6, 5, '#3d2614') +
        path('M50 98q6 10 12 0Z', '#f9c74f') +
        stroke('M96 40q10-10 20 0t20 6M92 86q14 10 26-2', '#555', 1, {
          'stroke-dasharray': '2 3',
        }) +
        bee(104, 56) +
        bee(126, 96) +
        bee(140, 36)
      );
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Output

const svgDoc = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${body}</svg>\n`;

export function renderScenes(): { id: string; svg: string }[] {
  return scenes.map((s) => ({ id: s.id, svg: svgDoc(s.draw((name) => `${s.id}-${name}`)) }));
}

async function writeJson(file: URL, data: unknown): Promise<void> {
  const path = fileURLToPath(file);
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(JSON.stringify(data), { ...options, filepath: path }));
}

async function main(): Promise<void> {
  const rendered = renderScenes();
  for (const { id, svg } of rendered) {
    writeFileSync(new URL(`${id}.svg`, import.meta.url), svg);
    if (svg.length > 3072) console.warn(`${id}.svg is ${svg.length} bytes`);
  }
  await writeJson(
    new URL('../catalog.json', import.meta.url),
    scenes.map(({ id, title }) => ({ id, title })),
  );
  console.log(`wrote ${rendered.length} scenes`);

  const sheetAt = process.argv.indexOf('--sheet');
  const sheetFile = sheetAt === -1 ? undefined : process.argv[sheetAt + 1];
  if (sheetFile !== undefined) {
    const cols = 6;
    const rows = Math.ceil(rendered.length / cols);
    const cells = rendered
      .map(({ svg }, i) =>
        svg.replace(
          '<svg ',
          `<svg x="${(i % cols) * (W + 4)}" y="${Math.floor(i / cols) * (H + 4)}" `,
        ),
      )
      .join('');
    writeFileSync(
      sheetFile,
      `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * (W + 4)}" height="${rows * (H + 4)}">${cells}</svg>`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

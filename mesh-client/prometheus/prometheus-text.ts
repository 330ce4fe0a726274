// Prometheus' text exposition format (version 0.0.4), read into samples: enough for what the mesh's
// /stats/prometheus serves. prom-client only writes this format, it has no reader.
//   # HELP and # TYPE lines are skipped; a sample is  name{label="value",…} value [timestamp]

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const sample = parseSampleLine(line);
    if (sample === undefined) throw new Error(`line ${i + 1} is not a Prometheus sample: ${line}`);
    samples.push(sample);
  });
  return samples;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseSampleLine(line: string): Sample | undefined {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return undefined;
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest);
    if (parsed === undefined) return undefined;
    labels = parsed.labels;
    rest = rest.slice(parsed.length);
  }
  const [valueText] = rest.trim().split(/\s+/); // A timestamp may follow; it is not needed.
  const value = parseValue(valueText ?? '');
  return value === undefined ? undefined : { name, labels, value };
}

/** `{a="1",b="x\"y"}` at the start of `text`, and how many characters it took. */
function parseLabels(text: string): { labels: Record<string, string>; length: number } | undefined {
  const labels: Record<string, string> = {};
  let at = 1;
  for (;;) {
    while (text[at] === ' ' || text[at] === ',') at++;
    if (text[at] === '}') return { labels, length: at + 1 };
    const key = LABEL_NAME.exec(text.slice(at))?.[0];
    if (key === undefined) return undefined;
    at += key.length;
    while (text[at] === ' ') at++;
    if (text[at] !== '=' || text[at + 1] !== '"') return undefined;
    at += 2;
    let value = '';
    for (;;) {
      const char = text[at];
      if (char === undefined) return undefined;
      at++;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = text[at];
        at++;
        value += escaped === 'n' ? '\n' : (escaped ?? '');
      } else value += char;
    }
    labels[key] = value;
  }
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

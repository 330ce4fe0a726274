// DOT laid out and drawn as SVG by Graphviz itself, compiled to WebAssembly: no `dot` binary to
// install. Graphviz escapes every label, id and class it writes into the SVG, so text from the
// graph stays text.
import { Graphviz } from '@hpcc-js/wasm-graphviz';

// Compiling the module takes about 100 ms, a layout of this graph a few: one load, shared. A load
// that failed is tried again next time.
let graphviz: Promise<Graphviz> | undefined;

/** The SVG document Graphviz's dot layout gives; throws with Graphviz's message on bad DOT. */
export async function renderSvg(dot: string): Promise<string> {
  graphviz ??= Graphviz.load().catch((error: unknown) => {
    graphviz = undefined;
    throw error;
  });
  return (await graphviz).dot(dot, 'svg');
}

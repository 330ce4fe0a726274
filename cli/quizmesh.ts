#!/usr/bin/env node
// The `quizmesh` command: a dispatcher and nothing more. Each subcommand is a module exporting
// `command` (its options, usage and run; see arguments.ts); it is imported only when chosen, so
// one command's dependencies never slow down or break another. Here, and only here, its
// arguments are read, --help answered and a usage error printed.
import { parseArguments, UsageError, type Command } from './arguments.ts';

interface Entry {
  summary: string;
  load: () => Promise<{ command: Command }>;
}

// Adding a subcommand is one line here.
const commands: Record<string, Entry> = {
  load: {
    summary: 'drive paced quiz traffic and show live latency',
    load: () => import('./load/main.ts'),
  },
  validate: { summary: 'check mesh-config/ and scenarios', load: () => import('./validate.ts') },
  route: { summary: 'shift traffic between versions', load: () => import('./route.ts') },
  status: { summary: 'routes in force, live figures', load: () => import('./status.ts') },
  canary: {
    summary: 'roll a version out step by step, with automatic analysis',
    load: () => import('./canary/main.ts'),
  },
  graph: { summary: 'the service graph, as DOT or SVG', load: () => import('./graph.ts') },
  console: { summary: 'serve the mesh console for a cluster', load: () => import('./console.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const list = Object.entries(commands)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join('\n');
  return `Usage: quizmesh <command> [options]

Commands:
${list}
  ${'help'.padEnd(width)}  show this help, or a command's: quizmesh help <command>
`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    if (rest[0] === undefined) {
      process.stdout.write(usage());
      return 0;
    }
    return dispatch(rest[0], ['--help']);
  }
  return dispatch(name, rest);
}

async function dispatch(name: string, argv: readonly string[]): Promise<number> {
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (entry === undefined) {
    process.stderr.write(`quizmesh: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const { command } = await entry.load();
  try {
    const args = parseArguments(argv, command);
    if (args.help) {
      process.stdout.write(command.usage);
      return 0;
    }
    return await command.run(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`quizmesh ${name}: ${error.message}\nSee 'quizmesh ${name} --help'.\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));

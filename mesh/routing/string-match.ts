// Istio's StringMatch (exact, prefix, regex) as a predicate. Istio documents `regex` as RE2 syntax
// and Envoy runs it with RE2::FullMatch, so a regex must match the WHOLE value: `v1` does not
// match `v12`. JavaScript has no RE2; the translation below keeps RE2's meaning where the two
// syntaxes differ in spelling only, and otherwise relies on the shared subset. Patterns RE2 would
// refuse (backreferences, lookaround) are not refused here: Istio's validation refuses them first.
import type { StringMatch } from '../config/schema.ts';

/** Tests a value that is present; absent values never match and are handled by the caller. */
export type StringPredicate = (value: string) => boolean;

/** Compile a StringMatch; throws on a regex JavaScript cannot run. */
export function compileStringMatch(match: StringMatch): StringPredicate {
  if (match.exact !== undefined) {
    const exact = match.exact;
    return (value) => value === exact;
  }
  if (match.prefix !== undefined) {
    const prefix = match.prefix;
    return (value) => value.startsWith(prefix);
  }
  if (match.regex !== undefined) {
    const regex = fullMatchRegex(match.regex);
    return (value) => {
      regex.lastIndex = 0;
      return regex.test(value);
    };
  }
  // Istio reads an empty StringMatch as "present"; presence is the caller's check.
  return () => true;
}

const RE2_FLAGS: Record<string, string> = { i: 'i', m: 'm', s: 's' };

/**
 * A RegExp that matches only the whole input, as RE2::FullMatch does. Sticky at index 0 and ended
 * by "no character follows", so neither anchor changes meaning under an `(?m)` flag, and
 * alternation still backtracks to the longest way of reaching the end (`a|ab` matches `ab`).
 */
export function fullMatchRegex(pattern: string): RegExp {
  const { body, flags } = translateRe2(pattern);
  const source = `(?:${body})(?![\\s\\S])`;
  try {
    // `u` gives RE2's code-point semantics (`.` is one character, even outside the BMP)...
    return new RegExp(source, `${flags}uy`);
  } catch {
    // ...but is stricter about escapes RE2 accepts, such as `\-` outside a class.
    try {
      return new RegExp(source, `${flags}y`);
    } catch (error) {
      throw new Error(`regex ${JSON.stringify(pattern)} cannot be used: ${String(error)}`, {
        cause: error,
      });
    }
  }
}

/** Rewrite the RE2 spellings JavaScript writes differently: leading flags, (?P<n>), \A, \z, \Q…\E. */
function translateRe2(pattern: string): { body: string; flags: string } {
  let flags = '';
  let rest = pattern;
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(rest);
  if (leading) {
    for (const flag of leading[1] ?? '') {
      const mapped = RE2_FLAGS[flag];
      if (!mapped) throw new Error(`regex flag (?${flag}) is not supported: ${pattern}`);
      if (!flags.includes(mapped)) flags += mapped;
    }
    rest = rest.slice(leading[0].length);
  }
  let body = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const char = rest.charAt(i);
    const next = rest.charAt(i + 1);
    if (char === '\\' && next !== '') {
      if (next === 'Q') {
        const end = rest.indexOf('\\E', i + 2);
        const literal = rest.slice(i + 2, end === -1 ? undefined : end);
        body += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? rest.length : end + 1;
        continue;
      }
      if (!inClass && next === 'A') body += '(?<![\\s\\S])';
      else if (!inClass && next === 'z') body += '(?![\\s\\S])';
      else body += char + next;
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      body += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      body += char;
      // RE2 reads a `]` right after `[` or `[^` as a literal; JavaScript needs it escaped.
      if (rest.charAt(i + 1) === '^') body += rest.charAt(++i);
      if (rest.charAt(i + 1) === ']') {
        body += '\\]';
        i++;
      }
      continue;
    }
    if (char === '(' && rest.startsWith('?P<', i + 1)) {
      body += '(?<';
      i += 3;
      continue;
    }
    body += char;
  }
  return { body, flags };
}

import type { FieldProblem } from '../../common/errors';

/** U+0000: PostgreSQL refuses it in text ("invalid byte sequence") and in jsonb. */
const NUL = '\u0000';
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string (or object key) in a request value that cannot be stored: one with a NUL
 * character, or one that is not well-formed UTF-16 (a lone surrogate such as "\ud800", which
 * email validation trips over with "URI malformed" and which UTF-8 cannot represent). Walks
 * the value with an explicit stack, so no nesting depth can overflow the call stack.
 * `root` names the value itself (a query parameter, a path parameter); nested fields are named
 * by their dotted path, as validation errors are.
 */
export function findUnsafeText(value: unknown, root?: string): FieldProblem | undefined {
  const stack: Array<[unknown, string]> = [[value, root ?? '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current, path || 'body');
      if (problem) return problem;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        const keyProblem = textProblem(key, childPath);
        if (keyProblem)
          return { field: keyProblem.field, message: `field name ${keyProblem.message}` };
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

function textProblem(text: string, field: string): FieldProblem | undefined {
  const nul = text.indexOf(NUL);
  if (nul >= 0) {
    return { field, message: `${field} must not contain a NUL character${lineOf(text, nul)}` };
  }
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const at = lone.index;
    return {
      field,
      message: `${field} must be valid Unicode text (it has a lone surrogate)${lineOf(text, at)}`,
    };
  }
  return undefined;
}

/** In multi-line text (a CSV upload) the line of the bad character, so it can be found. */
function lineOf(text: string, index: number): string {
  if (index < 0 || !text.includes('\n')) return '';
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return ` (line ${line})`;
}

/**
 * Deepest nesting a JSON body may have. Our DTOs nest three or four levels; class-transformer
 * recurses once per level, so thousands of levels overflow its stack (a 500) before validation
 * runs. The limit leaves ample room for any real payload.
 */
export const MAX_JSON_DEPTH = 32;

/** True if the parsed value nests deeper than `max`; iterative, so it cannot overflow itself. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

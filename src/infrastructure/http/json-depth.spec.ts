import { nestsDeeperThan } from './json-depth';

const nest = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('nestsDeeperThan', () => {
  it.each([
    ['a scalar', 1, 0, false],
    ['an empty object at the limit', {}, 1, false],
    ['an object over a limit of 0', {}, 0, true],
    ['exactly at the limit', nest(32), 32, false],
    ['one level over', nest(33), 32, true],
    ['deep inside an object', { a: { b: [nest(40)] } }, 32, true],
    ['wide but shallow', { a: Array.from({ length: 1000 }, () => ({ b: 1 })) }, 32, false],
  ])('%s', (_name, value, max, deeper) => {
    expect(nestsDeeperThan(value, max)).toBe(deeper);
  });

  it('measures 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nest(100_000), 32)).toBe(true);
  });
});

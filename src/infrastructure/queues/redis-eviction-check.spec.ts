import { evictionPolicy } from './redis-eviction-check';

describe('evictionPolicy', () => {
  it.each([
    ['# Memory\r\nused_memory:1\r\nmaxmemory_policy:noeviction\r\n', 'noeviction'],
    ['maxmemory:0\nmaxmemory_policy:allkeys-lru\nallocator_frag_ratio:1.0\n', 'allkeys-lru'],
    ['# Memory\nused_memory:1\n', undefined],
  ])('reads INFO memory %#', (info, policy) => {
    expect(evictionPolicy(info)).toBe(policy);
  });
});

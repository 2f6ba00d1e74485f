import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { lazyRequire } from './lazy-require';

const core = lazyRequire<typeof import('@zxcvbn-ts/core')>('@zxcvbn-ts/core');
const common = lazyRequire<typeof import('@zxcvbn-ts/language-common')>(
  '@zxcvbn-ts/language-common',
);
const english = lazyRequire<typeof import('@zxcvbn-ts/language-en')>('@zxcvbn-ts/language-en');

/**
 * zxcvbn with the common-password lists, English words and names, keyboard graphs and English
 * feedback: the one set-up the password policy and the JWT_SECRET check share. Its
 * dictionaries load on the first call, not at start-up (see lazy-require.ts).
 */
export function zxcvbnEstimator(): ZxcvbnFactory {
  return new (core().ZxcvbnFactory)({
    dictionary: { ...common().dictionary, ...english().dictionary },
    graphs: common().adjacencyGraphs,
    translations: english().translations,
  });
}

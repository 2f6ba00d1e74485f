import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonWords } from '@zxcvbn-ts/language-common';
import { dictionary as englishWords } from '@zxcvbn-ts/language-en';
import { ConfigError, type AppConfig } from './app-config';

/** JWT_SECRET as .env.example ships it: published, so never a secret. */
export const EXAMPLE_JWT_SECRET = 'change-me-to-a-long-random-string-of-32-chars';

/**
 * About 100 bits by zxcvbn's estimate: 32 random hex digits pass, a sentence or a repeated word
 * does not. `openssl rand -base64 32` gives about 140.
 */
const MIN_GUESSES_LOG10 = 30;

let estimator: ZxcvbnFactory | undefined;

/** Why a JWT_SECRET is unfit for production, or null when it is fit. */
export function jwtSecretProblem(secret: string): string | null {
  if (secret.trim() === EXAMPLE_JWT_SECRET) {
    return 'JWT_SECRET is the example value from .env.example; generate one with `openssl rand -base64 32`';
  }
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonWords, ...englishWords },
    graphs: adjacencyGraphs,
  });
  if (estimator.check(secret).guessesLog10 < MIN_GUESSES_LOG10) {
    return 'JWT_SECRET is guessable (words, repeats or sequences); generate one with `openssl rand -base64 32`';
  }
  return null;
}

/**
 * Refuses to run in production on a published or guessable JWT_SECRET: every access token and
 * CSRF token derives from it. Development and test runs are left alone (npm start makes a random
 * one by itself).
 */
export function assertProductionSecrets(config: AppConfig): void {
  if (!config.isProduction) return;
  const problem = jwtSecretProblem(config.JWT_SECRET);
  if (problem) throw new ConfigError(`Invalid configuration: ${problem}`);
}

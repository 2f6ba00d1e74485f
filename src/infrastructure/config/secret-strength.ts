import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { zxcvbnEstimator } from '../../common/zxcvbn';
import { ConfigError, type AppConfig } from './app-config';

/** JWT_SECRET as .env.example ships it: published, so never a secret. */
export const EXAMPLE_JWT_SECRET = 'change-me-to-a-long-random-string-of-32-chars';

/**
 * zxcvbn's estimate, in log10 guesses. It undercounts random hex: short words and dates turn up
 * in it by chance ("bad", "1891"), so 32 random hex digits (128 bits) score from 27 up, median
 * 31.5 (480 samples); at 30 one `openssl rand -hex 16` in 13 was refused. 26 passes them and
 * still refuses a sentence of words (25.7), a repeated word (11.3) or a run (4.3).
 * `openssl rand -base64 32` scores about 44.
 */
const MIN_GUESSES_LOG10 = 26;

let estimator: ZxcvbnFactory | undefined;

/** Why a JWT_SECRET is unfit for production, or null when it is fit. */
export function jwtSecretProblem(secret: string): string | null {
  if (secret.trim() === EXAMPLE_JWT_SECRET) {
    return 'JWT_SECRET is the example value from .env.example; generate one with `openssl rand -base64 32`';
  }
  estimator ??= zxcvbnEstimator();
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

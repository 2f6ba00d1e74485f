import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'boolean'
    ? value
    : typeof value === 'string' && value !== ''
      ? ['1', 'true', 'yes'].includes(value.toLowerCase())
      : undefined;
const urlOptions = { require_tld: false, require_protocol: true };

/** A whole-number setting (read from its string) within [min, max]. */
function IntSetting(min: number, max?: number): PropertyDecorator {
  const bounds = max === undefined ? [Min(min)] : [Min(min), Max(max)];
  return applyDecorators(Transform(toInt), IsInt(), ...bounds);
}

/** A yes/no setting: 1, true or yes (any case) is yes. */
function BoolSetting(): PropertyDecorator {
  return applyDecorators(Transform(toBool), IsBoolean());
}

@ValidatorConstraint({ name: 'trustProxy' })
class TrustProxyValue implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseTrustProxy(value) !== null;
  }
  defaultMessage(): string {
    return 'TRUST_PROXY must be false, a number of proxy hops, or proxy addresses / CIDR ranges separated by commas';
  }
}

/**
 * Every setting the processes read, validated once at boot. Nothing else in src/ reads
 * process.env: the API, the worker, the local runner and the tests build one of these.
 */
export class AppConfig {
  /**
   * Unset means production: HSTS on, demo seed refused, secrets checked. Only `npm start` (the
   * local run) and the tests say otherwise.
   */
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'production';

  @IsUrl({ ...urlOptions, protocols: ['postgres', 'postgresql'] })
  DATABASE_URL: string;

  @IsUrl({ ...urlOptions, protocols: ['redis', 'rediss'] })
  REDIS_URL: string;

  @IntSetting(0, 65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /**
   * Proxies in front of the app whose X-Forwarded-For is believed: `false`, a number of hops
   * (`true` = 1), or their addresses / CIDR ranges. See trust-proxy.ts.
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value : String(value)))
  @IsString()
  @Validate(TrustProxyValue)
  TRUST_PROXY = 'false';

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET: string;

  /** The absolute lifetime of a session, API token or web cookie alike. */
  @IntSetting(60)
  JWT_EXPIRES_IN_SECONDS = 8 * 3600;

  /** A web session unused for this long ends (ASVS 7.3.1); API tokens keep their absolute limit. */
  @IntSetting(60)
  WEB_SESSION_IDLE_SECONDS = 30 * 60;

  @IsUrl({ ...urlOptions, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL: string;

  /** smtp://user:pass@host:port; unset means "write .eml files to MAIL_DIR" (local run only). */
  @IsOptional()
  @IsUrl({ ...urlOptions, protocols: ['smtp', 'smtps'] })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'POD Cohorts <no-reply@pod-cohorts.local>';

  @IsOptional()
  @IsString()
  MAIL_DIR?: string;

  @IntSetting(1)
  MAIL_RATE_PER_SECOND = 10;

  @IsString()
  QUEUE_PREFIX = 'pod';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Write logs to this file instead of stdout (appended; the folder is created). */
  @IsOptional()
  @IsString()
  LOG_FILE?: string;

  @IsOptional()
  @IsString()
  ADMIN_EMAIL?: string;

  @ValidateIf((c: AppConfig) => c.ADMIN_EMAIL !== undefined)
  @IsString({ message: 'ADMIN_PASSWORD must be set when ADMIN_EMAIL is' })
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  ADMIN_PASSWORD?: string;

  @IntSetting(1)
  LOGIN_MAX_FAILURES_PER_EMAIL = 5;

  @IntSetting(1)
  LOGIN_MAX_FAILURES_PER_IP = 30;

  @IntSetting(1)
  LOGIN_BLOCK_SECONDS = 15 * 60;

  /**
   * Failures for one email, from any address, after which each further attempt for it waits
   * (LOGIN_DELAY_STEP_MS more per failure, up to LOGIN_DELAY_MAX_MS) instead of being refused:
   * guessing slows down while the owner can still sign in.
   */
  @IntSetting(1)
  LOGIN_SLOW_AFTER_FAILURES_PER_EMAIL = 10;

  @IntSetting(0)
  LOGIN_DELAY_STEP_MS = 500;

  @IntSetting(0)
  LOGIN_DELAY_MAX_MS = 5_000;

  @IntSetting(1)
  VERIFY_MAX_PER_MINUTE = 60;

  /** Reminder offsets as ISO 8601 durations, before the first session of each block. */
  @IsString()
  REMINDER_BLOCK_OFFSETS = 'P7D,P1D';

  /** Reminder offsets before any other session. */
  @IsString()
  REMINDER_SESSION_OFFSETS = 'P1D';

  /** How often the worker looks for sessions to remind about, as a cron pattern. */
  @IsString()
  REMINDER_SCAN_CRON = '*/15 * * * *';

  @IntSetting(1, 64)
  WORKER_CONCURRENCY = 4;

  /**
   * How often the worker sweeps PostgreSQL for completions without a certificate, and how old a
   * completion must be before the sweep (rather than the job queued with it) issues it. After a
   * Redis data loss every certificate goes out within about the sum of the two.
   */
  @IntSetting(1, 3600)
  CERTIFICATES_SWEEP_SECONDS = 20;

  @IntSetting(1, 86400)
  CERTIFICATES_SWEEP_AGE_SECONDS = 20;

  /** The same for pending emails in the outbox (age: since the row was last touched). */
  @IntSetting(1, 3600)
  OUTBOX_SWEEP_SECONDS = 20;

  @IntSetting(1, 86400)
  OUTBOX_SWEEP_AGE_SECONDS = 20;

  /**
   * How often a worker checks that its job schedulers still exist in Redis (it also re-creates
   * them at once whenever its Redis connection comes back).
   */
  @IntSetting(1, 3600)
  SCHEDULES_CHECK_SECONDS = 30;

  /**
   * On SIGTERM, how long the API waits for in-flight requests and the worker for active jobs
   * before closing anyway. Keep it below the orchestrator's kill grace period (30 s by default).
   */
  @IntSetting(1, 600)
  SHUTDOWN_TIMEOUT_SECONDS = 25;

  /**
   * BullMQ loses jobs if Redis evicts keys: at boot a Redis whose maxmemory-policy is not
   * noeviction is a loud warning, and in production a refusal to start unless this is set.
   */
  @BoolSetting()
  REDIS_ALLOW_EVICTION = false;

  @BoolSetting()
  DB_LOGGING = false;

  /** Let administrators retry, clean, pause or remove jobs from /admin/queues (read-only if not). */
  @BoolSetting()
  QUEUE_DASHBOARD_ACTIONS = false;

  @IntSetting(1)
  DB_POOL_SIZE = 10;

  /** TRUST_PROXY as Fastify's trustProxy option. */
  get trustProxy(): TrustProxy {
    return parseTrustProxy(this.TRUST_PROXY) ?? false;
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}

export class ConfigError extends Error {}

/** Validates an environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    const first = errors[0];
    const value = config[first.property as keyof AppConfig];
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const problem =
      value === undefined
        ? `${first.property} is required`
        : message.startsWith(first.property)
          ? message
          : `${first.property}: ${message}`;
    throw new ConfigError(`Invalid configuration: ${problem}`);
  }
  return config;
}

/** The process environment; this module is the one place that reads it. */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

/** The entry points call this. */
export function loadConfigFromEnvironment(): AppConfig {
  return loadConfig(processEnvironment());
}

/** Prints the one-line reason and exits; used by the entry points. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  throw error;
}

import type Stripe from 'stripe';
import { defaultMirror, type StripeMirror } from '../models/mirror.js';
import { WebhookOptionsError } from './errors.js';
import { adaptLogger, type WebhookLogger } from './logger.js';

export type { WebhookLogger } from './logger.js';

/**
 * Which events re-retrieve their object from the Stripe API instead of trusting the payload: `true` for all,
 * a list of object types (`['subscription', 'invoice']`), or a predicate. Use it for endpoints pinned to an older API
 * version, or when the current state matters more than the state at event time.
 */
export type RefetchPolicy = boolean | readonly string[] | ((event: Stripe.Event) => boolean);

/**
 * Options of `createWebhookHandler` and the adapters (`stripeWebhookRouter`, …). Only `secrets` is required:
 *
 * ```ts
 * createWebhookHandler({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!], mode: 'queue', refetch: ['subscription'] });
 * ```
 */
export interface WebhookOptions {
  /** Signing secrets (`whsec_…`) of every endpoint delivering here; list old and new during a rotation. */
  secrets: readonly string[];
  /** Maximum age in seconds of the signature timestamp; 0 disables the check. Default 300 (Stripe's own default). */
  tolerance?: number;
  /** Largest accepted body in bytes; larger bodies get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** `sync` applies before answering (default); `queue` answers once the event is stored and `startWorker` applies. */
  mode?: 'sync' | 'queue';
  /**
   * Longest a delivery waits for the event to be applied and recorded, in ms; past it the answer is 503
   * (`webhook_delivery_timeout`) while the work goes on, and Stripe's redelivery meets its outcome. Keep it well
   * under Stripe's own wait (seconds): a stalled database then costs Stripe a retry, not a hung request. 0 disables.
   * Default 8 000.
   */
  deliveryTimeoutMs?: number;
  /** See {@link RefetchPolicy}. Default `false`. */
  refetch?: RefetchPolicy;
  /** The models written to. Default `defaultMirror()` (mongoose's default connection). */
  mirror?: StripeMirror;
  /** console, winston or pino as they are (pino's fields-first calls are detected), or `{ info, warn, error }`. Default: silent. */
  logger?: WebhookLogger;
  /** How long a claim on an event lasts before another process may take it over, in ms. Default 60 000. */
  leaseMs?: number;
  /** Queue mode: attempts before an event is parked as `dead`. Default 8. */
  maxAttempts?: number;
  /** Queue mode: delay before the first retry in ms, doubled per attempt. Default 1 000. */
  backoffBaseMs?: number;
  /** Queue mode: ceiling of the retry delay in ms. Default 1 hour. */
  backoffMaxMs?: number;
}

/** {@link WebhookOptions} with every default filled in; the one place defaults live. */
export interface ResolvedWebhookOptions extends ProcessingOptions {
  readonly secrets: readonly string[];
  readonly tolerance: number;
  readonly maxBodyBytes: number;
  readonly mode: 'sync' | 'queue';
  readonly deliveryTimeoutMs: number;
}

/** The part of the options that applying stored events needs (webhook handler, worker, reprocessing). */
export interface ProcessingOptions {
  readonly refetch: RefetchPolicy;
  readonly mirror: StripeMirror;
  readonly logger: WebhookLogger;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** A logger that drops everything: the library stays quiet unless given one. */
export const silentLogger: WebhookLogger = { info() {}, warn() {}, error() {} };

/** Fills in defaults and rejects unusable values early, with a message that says what to change. */
export function resolveWebhookOptions(options: WebhookOptions): ResolvedWebhookOptions {
  const secrets = options.secrets.filter((secret) => secret.trim() !== '');
  if (secrets.length === 0) {
    throw new WebhookOptionsError('secrets must list at least one webhook signing secret (whsec_…)');
  }
  const resolved: ResolvedWebhookOptions = {
    ...resolveProcessingOptions(options),
    secrets,
    tolerance: nonNegative('tolerance', options.tolerance ?? 300),
    maxBodyBytes: nonNegative('maxBodyBytes', options.maxBodyBytes ?? 1024 * 1024),
    mode: options.mode ?? 'sync',
    deliveryTimeoutMs: nonNegative('deliveryTimeoutMs', options.deliveryTimeoutMs ?? 8_000),
  };
  return resolved;
}

/** Defaults of the processing options, for callers that apply stored events without receiving webhooks. */
export function resolveProcessingOptions(options: Omit<WebhookOptions, 'secrets'>): ProcessingOptions {
  const maxAttempts = nonNegative('maxAttempts', options.maxAttempts ?? 8);
  if (maxAttempts < 1) throw new WebhookOptionsError('maxAttempts must be at least 1');
  return {
    refetch: options.refetch ?? false,
    mirror: options.mirror ?? defaultMirror(),
    logger: options.logger ? adaptLogger(options.logger) : silentLogger,
    leaseMs: nonNegative('leaseMs', options.leaseMs ?? 60_000),
    maxAttempts,
    backoffBaseMs: nonNegative('backoffBaseMs', options.backoffBaseMs ?? 1_000),
    backoffMaxMs: nonNegative('backoffMaxMs', options.backoffMaxMs ?? 3_600_000),
  };
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new WebhookOptionsError(`${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

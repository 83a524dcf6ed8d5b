import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Stripe from 'stripe';
import { expect } from './support/chai.js';
import {
  BackfillError,
  BackfillOptionsError,
  createWebhookHandler,
  defaultMirror,
  ERROR_CODES,
  DeliveryTimeoutError,
  ThinEventNeedsStripeError,
  EventInProgressError,
  EventLogUnavailableError,
  EventRefetchError,
  EventWriteUnconfirmedError,
  InvalidStripeObjectError,
  MissingPathParameterError,
  NoDefaultPaymentMethodError,
  StripeApiError,
  StripeMirrorError,
  StripeNotConfiguredError,
  SubscriptionItemAmbiguousError,
  SyncInputError,
  SyncWriteError,
  UnsupportedStripeOperationError,
  WebhookBodyConsumedError,
  WebhookError,
  WebhookHookError,
  WebhookOptionsError,
  WebhookRejectedError,
  type ErrorCodeInfo,
  type RejectionReason,
  type StripeMirror,
  type WebhookHandler,
  type WebhookRequest,
} from '../src/index.js';
import { CliFailure, CliUsageError } from '../src/cli/errors.js';
import type { ErrorCodeOf } from '../src/error-codes.js';
import { MAX_EVENT_DEPTH } from '../src/webhooks/unstorable.js';
import { fixtureEvents, SECRET, signatureHeader } from './webhooks/support.js';

const REGISTRY: ReadonlyMap<string, ErrorCodeInfo> = new Map(Object.entries(ERROR_CODES));

/** One README table row per registry entry, in registry order. */
function expectedRows(): string[] {
  return [...REGISTRY].map(([code, info]) => {
    const className = info.class === null ? '—' : `\`${info.class}\``;
    return `| \`${code}\` | ${className} | ${info.status ?? '—'} | ${info.meaning} |`;
  });
}

/** The rows of the table in the README's `## Errors` section. */
async function readmeRows(): Promise<string[]> {
  const readme = await readFile(path.resolve(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('\n## Errors\n')[1]?.split('\n## ')[0];
  if (section === undefined) throw new Error('README.md has no "## Errors" section');
  return section.split('\n').filter((line) => line.startsWith('| `'));
}

const REJECTION_REASONS: readonly RejectionReason[] = [
  'missing_signature',
  'malformed_signature',
  'signature_mismatch',
  'timestamp_outside_tolerance',
  'body_not_json',
  'not_an_event',
  'unstorable_event',
  'body_too_large',
];

/** One instance of every error class, built the way the library builds it. */
function oneOfEach(): StripeMirrorError[] {
  const cause = new Error('cause');
  return [
    new StripeApiError(new Stripe.errors.StripeInvalidRequestError({ message: 'No such customer', code: 'resource_missing' })),
    new StripeNotConfiguredError(),
    new UnsupportedStripeOperationError('discount', 'list'),
    new MissingPathParameterError('/v1/accounts/{account}/persons/{id}', 'account'),
    new InvalidStripeObjectError('no object field'),
    new SubscriptionItemAmbiguousError('sub_1', ['si_1', 'si_2']),
    new NoDefaultPaymentMethodError('cus_1'),
    new SyncInputError('customer', 'missing a string `id`'),
    new SyncWriteError(['cus_1'], cause),
    ...REJECTION_REASONS.map((reason) => new WebhookRejectedError(reason, reason)),
    new WebhookBodyConsumedError(),
    new WebhookError('webhook_verifier_missing', 'no verifier'),
    new WebhookHookError('invoice.paid', cause),
    new WebhookOptionsError('secrets must list at least one secret'),
    new EventInProgressError('evt_1'),
    new DeliveryTimeoutError('evt_1', 8_000),
    new ThinEventNeedsStripeError('evt_1', new Error('no client')),
    new EventRefetchError('customer', 'cus_1', cause),
    new EventWriteUnconfirmedError('evt_1', ['cus_1']),
    new EventLogUnavailableError(cause),
    new BackfillError('Stripe kept failing'),
    new BackfillOptionsError("cannot list 'nope'"),
    new CliUsageError('--port must be a number'),
    new CliFailure('cli_config', 'bad config'),
    new CliFailure('cli_file', 'bad file'),
    new CliFailure('mongo_unreachable', 'no MongoDB'),
    new CliFailure('replay_failed', 'line 3 failed'),
    new CliFailure('demo_failed', 'no price'),
    new CliFailure('cli_package_missing', 'not installed'),
  ];
}

describe('ERROR_CODES (the error registry)', () => {
  it("is the README's Errors table, row for row (code, class, HTTP status, meaning)", async () => {
    expect(await readmeRows()).to.deep.equal(expectedRows());
  });

  it('names the class that really carries each code, and every code a class carries is in it', () => {
    const carried = Object.fromEntries(oneOfEach().map((error) => [error.code, error.name]));
    const listed = Object.fromEntries([...REGISTRY].filter(([, info]) => info.class !== null).map(([code, info]) => [code, info.class]));
    expect(carried).to.deep.equal(listed);
  });

  it('types code as the union of its keys, so a misspelled code is a compile error', () => {
    const error: StripeMirrorError = new StripeApiError(new Stripe.errors.StripeAPIError({ message: 'boom' }));
    // @ts-expect-error 'stripe_api_eror' is misspelled: comparing it with the code union must not compile
    expect(error.code === 'stripe_api_eror').to.equal(false);
    // @ts-expect-error CliFailure takes only the registry's CliFailure codes
    expect(new CliFailure('stripe_api_error', 'not a CLI failure').code).to.equal('stripe_api_error');
    expect(REGISTRY.get(error.code)).to.include({ class: 'StripeApiError' });
  });

  describe('HTTP status, as the webhook handler answers', () => {
    let handler: WebhookHandler;
    before(() => {
      handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 64 * 1024 });
    });
    const event = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;

    function signed(payload: string, options: { secret?: string; timestamp?: number } = {}): WebhookRequest {
      return { rawBody: payload, headers: { 'stripe-signature': signatureHeader(payload, options.secret, options.timestamp) } };
    }

    function nested(depth: number): object {
      let value: object = {};
      for (let level = 0; level < depth; level += 1) value = { a: value };
      return value;
    }

    const rejections = {
      webhook_missing_signature: () => ({ rawBody: JSON.stringify(event), headers: {} }),
      webhook_malformed_signature: () => ({ rawBody: JSON.stringify(event), headers: { 'stripe-signature': 'not a signature' } }),
      webhook_signature_mismatch: () => signed(JSON.stringify(event), { secret: 'whsec_not_configured_here' }),
      webhook_timestamp_outside_tolerance: () => signed(JSON.stringify(event), { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      webhook_body_not_json: () => signed('not json'),
      webhook_not_an_event: () => signed('{"hello":"world"}'),
      webhook_unstorable_event: () =>
        signed(JSON.stringify({ ...event, id: 'evt_deep', data: { object: { ...event.data.object, metadata: nested(MAX_EVENT_DEPTH + 5) } } })),
      webhook_body_too_large: () => signed(JSON.stringify({ ...event, padding: 'x'.repeat(65 * 1024) })),
    } satisfies Record<ErrorCodeOf<'WebhookRejectedError'>, () => WebhookRequest>;

    for (const [code, request] of Object.entries(rejections)) {
      it(`answers ${code} with ${REGISTRY.get(code)?.status}`, async () => {
        const response = await handler.handle(request());
        expect(response.body.error).to.equal(code);
        expect(response.status).to.equal(REGISTRY.get(code)?.status);
      });
    }

    /** A handler whose write path throws `error`, so applying any event fails with it. */
    function failingWith(error: Error) {
      const mirror: StripeMirror = { ...defaultMirror(), sync: () => Promise.reject(error) };
      return createWebhookHandler({ secrets: [SECRET], mirror });
    }

    it('answers event_failed with its status when applying throws an error that has no code', async () => {
      const response = await failingWith(new Error('disk on fire')).handle(signed(JSON.stringify(event)));
      expect(response.body.error).to.equal('event_failed');
      expect(response.status).to.equal(REGISTRY.get('event_failed')?.status);
    });

    it("answers 500 with the error's own code when applying throws another stripe-mirror error", async () => {
      const response = await failingWith(new SyncWriteError(['cus_1'], new Error('lost'))).handle(signed(JSON.stringify(event)));
      expect(response).to.deep.include({ status: 500 });
      expect(response.body.error).to.equal('sync_write_failed');
    });
  });
});

import { expect } from '../support/chai.js';
import { SyncInputError, SyncWriteError, type StripeObjectLike } from '../../src/sync/index.js';
import { StripeMirrorError } from '../../src/errors.js';
import { stripeObjects, sync } from './helpers.js';

const valid = { id: 'cus_ok', object: 'customer' };

/** Input the type system already refuses, as it reaches the engine from JSON. */
function untyped<T = StripeObjectLike>(value: unknown): T {
  return JSON.parse(JSON.stringify(value));
}

describe('syncStripeObjects(): invalid input', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['null', null, /expected a Stripe object, got null/],
    ['a string', 'cus_1', /expected a Stripe object, got a string/],
    ['an object without `object`', { id: 'cus_1' }, /missing a string `object`/],
    ['an object without an id', { object: 'customer' }, /objects\[1\] \(customer\).*missing a string `id`/],
    ['a numeric id', { id: 42, object: 'customer' }, /missing a string `id`/],
    ['a top-level field starting with $', { id: 'cus_1', object: 'customer', $where: '1' }, /customer cus_1.*"\$where"/],
    ['a dotted top-level field', { id: 'cus_1', object: 'customer', 'metadata.plan': 'x' }, /customer cus_1.*"metadata\.plan"/],
    ['an _id', { id: 'cus_1', object: 'customer', _id: 'cus_1' }, /customer cus_1.*"_id" is reserved/],
    ['a _mirror field', { id: 'cus_1', object: 'customer', _mirror: {} }, /"_mirror" is reserved/],
    ['a stripeAccount field', { id: 'cus_1', object: 'customer', stripeAccount: 'acct_1' }, /"stripeAccount" is reserved/],
    [
      'an expanded object without a type',
      { id: 'sub_1', object: 'subscription', customer: { id: 'cus_1' } },
      /subscription sub_1 → customer.*missing a string `object`/,
    ],
    [
      'a nested object with a bad field name',
      { id: 'sub_1', object: 'subscription', customer: { id: 'cus_1', object: 'customer', 'a.b': 1 } },
      /cus_1.*"a\.b"/,
    ],
  ];

  for (const [name, input, message] of cases) {
    it(`refuses ${name} with a SyncInputError and writes nothing`, async () => {
      await expect(sync([valid, untyped(input)])).to.be.rejectedWith(SyncInputError, message);
      expect(await stripeObjects().countDocuments()).to.equal(0);
    });
  }

  it('refuses something that is not an array of objects', async () => {
    await expect(sync(untyped<StripeObjectLike[]>({ id: 'cus_1', object: 'customer' }))).to.be.rejectedWith(SyncInputError, /expected an array/);
  });

  it('gives SyncInputError the stable code sync_invalid_input', async () => {
    const error: unknown = await sync([untyped({ object: 'customer' })]).catch((caught: unknown) => caught);

    expect(error).to.be.instanceOf(StripeMirrorError).and.to.include({ code: 'sync_invalid_input' });
  });

  it('refuses objects nested deeper than maxDepth', async () => {
    const nested = { id: 'a', object: 'x', child: { id: 'b', object: 'x', child: { id: 'c', object: 'x' } } };

    await expect(sync([nested], {}, { maxDepth: 1 })).to.be.rejectedWith(SyncInputError, /maxDepth \(1\)/);
    expect(await stripeObjects().countDocuments()).to.equal(0);
  });

  it('refuses more documents than maxObjects in one call', async () => {
    const customers = Array.from({ length: 4 }, (_, index) => ({ id: `cus_${index}`, object: 'customer' }));

    await expect(sync(customers, {}, { maxObjects: 3 })).to.be.rejectedWith(SyncInputError, /maxObjects \(3\)/);
  });

  it('refuses a cyclic object', async () => {
    const cyclic: Record<string, unknown> = { plain: true };
    cyclic.self = cyclic;

    await expect(sync([{ ...valid, cyclic }])).to.be.rejectedWith(SyncInputError, /nests deeper/);
  });

  it('refuses a watermark that is not a number', async () => {
    await expect(sync([valid], { watermark: Number.NaN })).to.be.rejectedWith(SyncInputError, /context\.watermark/);
  });
});

describe('syncStripeObjects(): write failures', () => {
  it('throws SyncWriteError naming the failed ids when another unique index refuses a write, and keeps the rest', async () => {
    await stripeObjects().createIndex({ email: 1 }, { unique: true, sparse: true });
    const customers = [
      { id: 'cus_1', object: 'customer', email: 'customer1@example.com' },
      { id: 'cus_2', object: 'customer', email: 'customer1@example.com' },
      { id: 'cus_3', object: 'customer', email: 'customer3@example.com' },
    ];

    const error: unknown = await sync(customers).catch((caught: unknown) => caught);
    await stripeObjects().dropIndex('email_1');

    expect(error).to.be.instanceOf(SyncWriteError).and.to.include({ code: 'sync_write_failed' });
    expect(error).to.have.property('failedIds').that.has.length(1);
    expect(await stripeObjects().countDocuments()).to.equal(2);
  });
});

import { expect } from '../support/chai.js';
import { extractDocuments, type ExtractOptions } from '../../src/sync/extract.js';
import { SyncInputError } from '../../src/sync/index.js';

const EXPANDABLE: Readonly<Record<string, readonly string[]>> = {
  customer: ['subscriptions', 'invoice_settings.default_payment_method'],
  subscription: ['customer', 'discounts', 'transfer_data.destination'],
  invoice: ['lines.data.discounts'],
};

const options: ExtractOptions = { expandableFields: (type) => EXPANDABLE[type] ?? [], maxDepth: 2, maxObjects: 100 };

/** Freezes `value` and everything in it, so any write to the input throws (ES modules are strict). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function nestedObjects(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level++) value = { k: value };
  return value;
}

describe('extractDocuments(): error locations', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      'a bad field name on an object embedded in a list item',
      { id: 'sub_1', object: 'subscription', items: { object: 'list', data: [{ id: 'si_1', object: 'subscription_item', price: { id: 'price_1', object: 'price', 'a.b': 1 } }] } },
      'subscription sub_1 → items.data[0] (subscription_item si_1) → price (price price_1)',
    ],
    [
      'an untyped item of an expanded list',
      { id: 'cus_1', object: 'customer', subscriptions: { object: 'list', data: [{ id: 'sub_x', object: 5 }] } },
      'customer cus_1 → subscriptions.data[0]',
    ],
    [
      'an untyped object at a dotted expandable path',
      { id: 'cus_1', object: 'customer', invoice_settings: { default_payment_method: { id: 'pm_1' } } },
      'customer cus_1 → invoice_settings → default_payment_method',
    ],
    [
      'an untyped item of an expandable array',
      { id: 'sub_1', object: 'subscription', discounts: ['di_0', { id: 'di_1' }] },
      'subscription sub_1 → discounts[1]',
    ],
    [
      'an object nested deeper than maxDepth through an expandable path across a list',
      { id: 'in_1', object: 'invoice', lines: { object: 'list', data: [{ id: 'il_1', object: 'line_item', discounts: [{ id: 'di_1', object: 'discount', coupon: { id: 'co_1', object: 'coupon', applies_to: { id: 'x_1', object: 'x' } } }] }] } },
      'invoice in_1 → lines → data → discounts[0] (discount di_1) → coupon (coupon co_1) → applies_to (x x_1)',
    ],
    [
      'a reserved field on an object inside arrays of plain data',
      { id: 'cus_1', object: 'customer', tax_ids: [{ nested: [{ id: 'txi_1', object: 'tax_id', _id: 1 }] }] },
      'customer cus_1 → tax_ids[0].nested[0] (tax_id txi_1)',
    ],
    [
      'a scalar nested deeper than the JSON limit',
      { id: 'cus_1', object: 'customer', metadata: nestedObjects(64, 1) },
      `customer cus_1 → metadata${'.k'.repeat(64)}`,
    ],
  ];

  for (const [name, input, path] of cases) {
    it(`names the full path of ${name}`, () => {
      expect(() => extractDocuments([{ id: 'cus_ok', object: 'customer' }, input], false, options))
        .to.throw(SyncInputError)
        .with.property('path', path);
    });
  }
});

describe('extractDocuments(): copies', () => {
  it('normalizes a deeply frozen input without writing to it', () => {
    const input = deepFreeze({
      id: 'cus_1',
      object: 'customer',
      subscriptions: { object: 'list', data: [{ id: 'sub_1', object: 'subscription', customer: 'cus_1' }] },
      invoice_settings: { footer: null, default_payment_method: { id: 'pm_1', object: 'payment_method' } },
      tax_ids: [{ nested: [{ id: 'txi_1', object: 'tax_id', customer: { id: 'cus_1', object: 'customer' } }] }],
    });

    const documents = extractDocuments([input], false, options);

    expect(documents.map((document) => document.id)).to.deep.equal(['cus_1', 'sub_1', 'pm_1', 'txi_1', 'cus_1']);
    expect(documents[0]?.fields).to.deep.equal({
      id: 'cus_1',
      object: 'customer',
      invoice_settings: { footer: null, default_payment_method: 'pm_1' },
      tax_ids: [{ nested: [{ id: 'txi_1', object: 'tax_id', customer: { id: 'cus_1', object: 'customer' } }] }],
    });
  });

  it('shares the data it leaves unchanged with the input instead of copying it', () => {
    const metadata = { plan: 'pro', limits: { seats: 3 } };
    const input = { id: 'sub_1', object: 'subscription', metadata, customer: { id: 'cus_1', object: 'customer' } };

    const [subscription, customer] = extractDocuments([input], false, options);

    expect(subscription?.fields).to.not.equal(input);
    expect(subscription?.fields.metadata).to.equal(metadata);
    expect(customer?.fields).to.equal(input.customer);
  });
});

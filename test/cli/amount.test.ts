import { formatAmount, minorUnitDigits } from '../../src/cli/amount.js';
import { expect } from '../support/chai.js';

describe('formatAmount()', () => {
  it('prints two-decimal currencies with their symbol and cents', () => {
    expect(formatAmount(1999, 'usd')).to.equal('$19.99');
    expect(formatAmount(2900, 'eur')).to.equal('€29.00');
  });

  it('prints zero-decimal currencies without dividing: 500 JPY is ¥500', () => {
    expect(formatAmount(500, 'jpy')).to.equal('¥500');
    expect(formatAmount(15000, 'krw')).to.equal('₩15,000');
  });

  it('prints three-decimal currencies with three decimals', () => {
    expect(formatAmount(5125, 'kwd')).to.match(/^KWD\s5\.125$/);
    expect(formatAmount(5000, 'bhd')).to.match(/^BHD\s5\.000$/);
  });

  it("follows Stripe's list where it departs from ISO 4217: ISK and HUF amounts carry two decimals", () => {
    expect(minorUnitDigits('isk')).to.equal(2);
    expect(formatAmount(50000, 'isk')).to.match(/^ISK\s500$/);
    expect(formatAmount(50050, 'huf')).to.match(/^HUF\s500\.5$/);
  });

  it('prints - for a missing amount and the plain number for a code that is no currency', () => {
    expect(formatAmount(undefined, 'usd')).to.equal('-');
    expect(formatAmount(1999, '')).to.equal('19.99');
    expect(formatAmount(1999, 'us')).to.equal('19.99 US');
  });
});

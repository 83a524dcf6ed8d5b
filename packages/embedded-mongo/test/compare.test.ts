import { Decimal128, Double, Long, ObjectId } from 'bson';
import { compareValues, keyString, valuesEqual } from '../src/compare.js';
import { addNumbers, multiplyNumbers } from '../src/numeric.js';
import { expect } from './support/chai.js';

describe('embedded-mongo compare.ts', () => {
  it('compares int64 beyond 2^53 exactly against doubles', () => {
    expect(compareValues(Long.fromString('9007199254740993'), 9007199254740992)).to.equal(1);
    expect(compareValues(Long.fromString('-9007199254740993'), -9007199254740992)).to.equal(-1);
  });

  it('compares Decimal128 exactly against doubles and int64', () => {
    expect(compareValues(Decimal128.fromString('0.1'), 0.1)).to.equal(-1);
    expect(compareValues(Decimal128.fromString('0.5'), 0.5)).to.equal(0);
    expect(compareValues(Decimal128.fromString('1E+20'), Long.fromString('99999999999999999999'.slice(0, 19)))).to.equal(1);
  });

  it('orders NaN below every number and infinities at the ends', () => {
    expect(compareValues(Number.NaN, -Infinity)).to.equal(-1);
    expect(compareValues(Decimal128.fromString('NaN'), Number.NaN)).to.equal(0);
    expect(compareValues(Decimal128.fromString('Infinity'), Long.MAX_VALUE)).to.equal(1);
    expect(compareValues(Decimal128.fromString('-Infinity'), -1e308)).to.equal(-1);
  });

  it('gives numerically equal values of any type the same key', () => {
    const keys = new Set([keyString(1), keyString(Long.fromNumber(1)), keyString(Decimal128.fromString('1.00')), keyString(new Double(1))]);
    expect(keys.size).to.equal(1);
    expect(keyString(0.5)).to.equal(keyString(Decimal128.fromString('0.50')));
    expect(keyString('1')).to.not.equal(keyString(1));
  });

  it('treats ObjectIds with the same hex as equal', () => {
    const hex = '65a1b2c3d4e5f60718293a4b';
    expect(valuesEqual(new ObjectId(hex), new ObjectId(hex))).to.equal(true);
    expect(keyString(new ObjectId(hex))).to.equal(keyString(new ObjectId(hex)));
  });

  it('keeps int64 arithmetic in Long and decimal arithmetic exact', () => {
    expect(String(addNumbers(Long.fromString('9007199254740993'), 1))).to.equal('9007199254740994');
    expect(String(addNumbers(Decimal128.fromString('0.1'), Decimal128.fromString('0.2')))).to.equal('0.3');
    expect(String(multiplyNumbers(Decimal128.fromString('1.5'), 2))).to.equal('3.0');
    expect(addNumbers(0.5, 0.25)).to.equal(0.75);
  });
});

import { parseForm } from '../src/fake-stripe/form.js';
import { expect } from './support/chai.js';

describe('parseForm()', () => {
  it('nests bracketed keys', () => {
    expect(parseForm('address[city]=Paris&address[line1]=1%20Rue')).to.deep.equal({ address: { city: 'Paris', line1: '1 Rue' } });
  });

  it('turns indexed keys into arrays in index order', () => {
    expect(parseForm('items[1][price]=b&items[0][price]=a&items[0][quantity]=2')).to.deep.equal({
      items: [{ price: 'a', quantity: '2' }, { price: 'b' }],
    });
  });

  it('turns empty brackets into arrays', () => {
    expect(parseForm('expand[]=customer&expand[]=latest_invoice')).to.deep.equal({ expand: ['customer', 'latest_invoice'] });
  });

  it('keeps numeric metadata keys as keys', () => {
    expect(parseForm('metadata[0]=zero&metadata[a.b]=dot')).to.deep.equal({ metadata: { '0': 'zero', 'a.b': 'dot' } });
  });

  it('decodes plus signs, percent escapes and encoded brackets', () => {
    expect(parseForm('name=Ada+Lovelace&metadata%5Bk%5D=%E2%9C%93')).to.deep.equal({ name: 'Ada Lovelace', metadata: { k: '✓' } });
  });

  it('keeps empty values, which unset fields in Stripe', () => {
    expect(parseForm('description=&metadata=')).to.deep.equal({ description: '', metadata: '' });
  });
});

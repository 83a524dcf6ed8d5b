/** Stripe's zero-decimal currencies: `amount: 500` in JPY is ¥500 (https://docs.stripe.com/currencies#zero-decimal). */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** Stripe's three-decimal currencies: `amount: 5000` in KWD is 5.000 KWD. */
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/**
 * How many decimals Stripe's integer amounts carry in a currency. Stripe's list, not ISO 4217's: ISK and HUF, which
 * ISO counts without decimals, are two-decimal in Stripe's API.
 *
 * ```ts
 * minorUnitDigits('jpy'); // 0
 * minorUnitDigits('usd'); // 2
 * ```
 */
export function minorUnitDigits(currency: string): number {
  const code = currency.toLowerCase();
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
}

/**
 * A Stripe amount (integer minor units) as people read it, through `Intl.NumberFormat` with the currency's own
 * symbol and decimals: `formatAmount(1999, 'usd')` is `$19.99`, `formatAmount(500, 'jpy')` is `¥500`,
 * `formatAmount(5000, 'kwd')` is `KWD 5.000`. Trailing zeros the currency does not show are dropped (ISK 500, not
 * ISK 500.00), significant ones are kept. `-` when the amount is not a number; a code that is not three letters
 * prints plainly after the number.
 *
 * ```ts
 * formatAmount(charge.amount, charge.currency);
 * ```
 */
export function formatAmount(amount: unknown, currency: unknown): string {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return '-';
  const code = typeof currency === 'string' ? currency.trim() : '';
  const digits = minorUnitDigits(code);
  const value = amount / 10 ** digits;
  if (!/^[a-z]{3}$/i.test(code)) return `${value.toFixed(digits)}${code ? ` ${code.toUpperCase()}` : ''}`;
  const shown = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? digits;
  return new Intl.NumberFormat('en', {
    style: 'currency',
    currency: code,
    minimumFractionDigits: Math.min(shown, digits),
    maximumFractionDigits: digits,
  }).format(value);
}

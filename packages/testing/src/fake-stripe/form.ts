/**
 * Request parameters as Stripe receives them: `application/x-www-form-urlencoded` bodies and query strings with
 * bracketed keys (`metadata[plan]=pro`, `items[0][price]=price_1`, `expand[]=customer`). The stripe SDK writes arrays
 * with indexes (`expand[0]=customer`); curl users write `expand[]=`. Both parse to arrays.
 */
export type ParamValue = string | ParamValue[] | Params;
export interface Params {
  [key: string]: ParamValue;
}

/**
 * Parses a form-encoded string into nested params.
 *
 * ```ts
 * parseForm('items[0][price]=price_1&metadata[a]=b') // { items: [{ price: 'price_1' }], metadata: { a: 'b' } }
 * ```
 */
export function parseForm(text: string): Params {
  const root: Params = {};
  if (text.length === 0) return root;
  const arrayKeys = new Set<Params>();
  for (const pair of text.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    assign(root, splitKey(rawKey), value, arrayKeys);
  }
  return toArrays(root, arrayKeys) as Params;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `a[b][0]` -> ['a', 'b', '0']; `a[]` -> ['a', '']. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const segments = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) segments.push(match[1] ?? '');
  return segments;
}

function assign(root: Params, segments: string[], value: string, arrayKeys: Set<Params>): void {
  let container = root;
  for (let i = 0; i < segments.length; i += 1) {
    let segment = segments[i] ?? '';
    const isLast = i === segments.length - 1;
    const nextSegment = segments[i + 1];
    if (segment === '') segment = String(Object.keys(container).length);
    if (isLast) {
      container[segment] = value;
      return;
    }
    let child = container[segment];
    if (typeof child !== 'object' || Array.isArray(child)) {
      child = {};
      container[segment] = child;
    }
    if (nextSegment !== undefined && (nextSegment === '' || /^\d+$/.test(nextSegment)) && segment !== 'metadata') {
      arrayKeys.add(child);
    }
    container = child;
  }
}

/** Turns the containers built from `x[0]`/`x[]` keys into arrays ordered by index. */
function toArrays(value: ParamValue, arrayKeys: Set<Params>): ParamValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const converted: Params = {};
  for (const [key, child] of Object.entries(value)) converted[key] = toArrays(child, arrayKeys);
  if (!arrayKeys.has(value) || !Object.keys(value).every((key) => /^\d+$/.test(key))) return converted;
  return Object.keys(converted)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => converted[key] ?? '');
}

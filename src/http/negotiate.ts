/**
 * Picks the representation a client prefers from an `Accept` header (RFC 9110 §12.5.1): media ranges with
 * q-values, `type/*` and `*\/*` wildcards; the most specific matching range sets the q of each offer.
 * Returns null when the client accepts none of the offers (the caller answers 406). Ties keep the order
 * of `offers`, so the first offer is the default for `*\/*` and for a missing header.
 */
export function negotiate<T extends string>(
  acceptHeader: string | undefined,
  offers: readonly T[],
): T | null {
  if (offers.length === 0) return null;
  if (!acceptHeader || acceptHeader.trim() === '') return offers[0]!;
  const ranges = parseAccept(acceptHeader);
  let best: T | null = null;
  let bestQ = 0;
  for (const offer of offers) {
    const q = qualityOf(offer, ranges);
    if (q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',').slice(0, 64)) {
    const [mediaType, ...params] = part.split(';').map((p) => p.trim());
    if (!mediaType) continue;
    const [type, subtype] = mediaType.toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((p) => p.trim());
      if (name?.toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

function qualityOf(offer: string, ranges: MediaRange[]): number {
  const [type, subtype] = offer.toLowerCase().split('/');
  let specificity = -1;
  let q = 0;
  for (const range of ranges) {
    let rangeSpecificity: number;
    if (range.type === type && range.subtype === subtype) rangeSpecificity = 2;
    else if (range.type === type && range.subtype === '*') rangeSpecificity = 1;
    else if (range.type === '*' && range.subtype === '*') rangeSpecificity = 0;
    else continue;
    if (rangeSpecificity > specificity) {
      specificity = rangeSpecificity;
      q = range.q;
    }
  }
  return q;
}

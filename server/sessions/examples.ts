import seed from '../seed/seed-calls.json' with { type: 'json' };

export interface SeedStore {
  namespace: string;
  key: string;
  value: string;
  ttl?: number;
}

/**
 * The seed's memory_usage stores (shared/seed, extracted by scripts/extract-seed.ts), in order:
 * replayed through the memory service they become the example sessions on an empty install.
 */
export function exampleStores(now: number = Date.now()): SeedStore[] {
  const moveTime = exampleClock(now);
  return seed.memoryCalls
    .filter((c) => c.action === 'store')
    .map((c) => ({
      namespace: c.namespace,
      key: c.key,
      value: c.value!.replace(ISO_TIME, moveTime),
      ...((c as { ttl?: number }).ttl ? { ttl: (c as { ttl?: number }).ttl } : {}),
    }));
}

/** The seed's fixed clock (its ids end in this time, kept as they are). */
const SEED_NOW = Date.parse('2026-01-01T00:00:00.000Z');
/** Example sessions look as if they started this long before they were loaded. */
export const EXAMPLE_AGE_MS = 90 * 60_000;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/**
 * Dates the examples relative to when they are loaded: the seed's clock becomes `now` less
 * EXAMPLE_AGE_MS, and the seed's few much older stamps (a blocker "created 2024-01-15") land a
 * quarter of an hour apart inside the session, in their order; nothing ends up in the future.
 */
export function exampleClock(now: number): (iso: string) => string {
  const start = now - EXAMPLE_AGE_MS;
  const old = new Map<string, number>();
  return (iso) => {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    let moved: number;
    if (Math.abs(t - SEED_NOW) <= 7 * 86_400_000) moved = start + (t - SEED_NOW);
    else {
      if (!old.has(iso)) old.set(iso, old.size + 1);
      moved = start + old.get(iso)! * 15 * 60_000;
    }
    return new Date(Math.min(moved, now)).toISOString();
  };
}

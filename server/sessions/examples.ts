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
export function exampleStores(): SeedStore[] {
  return seed.memoryCalls
    .filter((c) => c.action === 'store')
    .map((c) => ({ namespace: c.namespace!, key: c.key!, value: c.value!, ...((c as { ttl?: number }).ttl ? { ttl: (c as { ttl?: number }).ttl } : {}) }));
}

import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryRateStore, type RateStore } from '../../db/rate-store.ts';
import { BatonError } from '../../lib/errors.ts';

export interface RateLimits {
  /** Memory writes per principal (or IP) per minute. */
  writesPerMinute: number;
  /** Sign-in attempts per IP per minute, and per email per minute. */
  signInPerMinutePerIp: number;
  signInPerMinutePerEmail: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { writesPerMinute: 12_000, signInPerMinutePerIp: 20, signInPerMinutePerEmail: 5 };

/**
 * Counters per caller; 429 with Retry-After when one is spent. Writes are counted synchronously, in a
 * fixed one-minute window per caller: the write gate must not yield between a caller's calls, or a store
 * and the retrieve sent right after it could run out of order. Where they are counted is the store's
 * (db/rate-store.ts): this process on SQLite, PostgreSQL (shared by every node) on several nodes.
 */
export class RateLimiter {
  private readonly writesPerMinute: number;
  private readonly signInIp: RateLimiterAbstract;
  private readonly signInEmail: RateLimiterAbstract;
  private readonly store: RateStore;

  constructor(limits: RateLimits, store: RateStore = memoryRateStore()) {
    this.store = store;
    this.writesPerMinute = limits.writesPerMinute;
    this.signInIp = store.signInLimiter(limits.signInPerMinutePerIp, 'signin-ip');
    this.signInEmail = store.signInLimiter(limits.signInPerMinutePerEmail, 'signin-email');
  }

  private async take(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new BatonError('rate_limited', `Too many ${what}; try again in ${retryAfter} s`, { retryAfter });
    }
  }

  /** Counts one write for `key` (a principal id or an address); throws rate_limited past the limit. */
  write(key: string, now = Date.now()): void {
    const w = this.store.countWrite(key, now);
    if (w.used <= this.writesPerMinute) return;
    const retryAfter = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    throw new BatonError('rate_limited', `Too many writes; try again in ${retryAfter} s`, { retryAfter });
  }

  async signIn(ip: string, email: string) {
    await this.take(this.signInIp, ip, 'sign-in attempts');
    await this.take(this.signInEmail, email.trim().toLowerCase(), 'sign-in attempts for this account');
  }
}

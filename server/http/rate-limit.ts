import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
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
 * Counters in memory (one process); 429 with Retry-After when one is spent. Writes are counted
 * synchronously, in a fixed window per caller as rate-limiter-flexible's memory store counts: the
 * write gate must not yield between a caller's calls, or a store and the retrieve sent right after
 * it could run out of order.
 */
export class RateLimiter {
  private readonly writeWindows = new Map<string, { used: number; resetAt: number }>();
  private readonly writesPerMinute: number;
  private readonly signInIp: RateLimiterMemory;
  private readonly signInEmail: RateLimiterMemory;

  constructor(limits: RateLimits) {
    this.writesPerMinute = limits.writesPerMinute;
    this.signInIp = new RateLimiterMemory({ points: limits.signInPerMinutePerIp, duration: 60 });
    this.signInEmail = new RateLimiterMemory({ points: limits.signInPerMinutePerEmail, duration: 60 });
  }

  private async take(limiter: RateLimiterMemory, key: string, what: string): Promise<void> {
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
    let w = this.writeWindows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.writeWindows.size > 50_000) for (const [k, v] of this.writeWindows) if (v.resetAt <= now) this.writeWindows.delete(k);
      w = { used: 0, resetAt: now + 60_000 };
      this.writeWindows.set(key, w);
    }
    if (++w.used <= this.writesPerMinute) return;
    const retryAfter = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    throw new BatonError('rate_limited', `Too many writes; try again in ${retryAfter} s`, { retryAfter });
  }

  async signIn(ip: string, email: string) {
    await this.take(this.signInIp, ip, 'sign-in attempts');
    await this.take(this.signInEmail, email.trim().toLowerCase(), 'sign-in attempts for this account');
  }
}

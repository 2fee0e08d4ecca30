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

/** Token buckets in memory (one process); 429 with Retry-After when a bucket is empty. */
export class RateLimiter {
  private readonly writes: RateLimiterMemory;
  private readonly signInIp: RateLimiterMemory;
  private readonly signInEmail: RateLimiterMemory;

  constructor(limits: RateLimits) {
    this.writes = new RateLimiterMemory({ points: limits.writesPerMinute, duration: 60 });
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

  write(key: string) {
    return this.take(this.writes, key, 'writes');
  }

  async signIn(ip: string, email: string) {
    await this.take(this.signInIp, ip, 'sign-in attempts');
    await this.take(this.signInEmail, email.trim().toLowerCase(), 'sign-in attempts for this account');
  }
}

import type { Context } from 'hono';
import type { Principal } from '../../lib/access.ts';
import type { Caller } from '../gate.ts';

/** What every REST handler can read from its context: the caller resolved once per request. */
export type Env = { Variables: { principal: Principal; ip: string | null } };

/** The REST caller, as the write gate takes it. */
export const callerOf = (c: Context<Env>): Caller => ({ principal: c.get('principal'), ip: c.get('ip'), via: 'rest', fresh: true });

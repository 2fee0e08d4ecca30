import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is behind the write the gate is running now, by id (`user:<id>`, `token:<id>`: the gate's
 * principalId), so a change appended to the feed can say whose it is: in-app notices compare it
 * with `user:<my account id>` to never tell people about their own actions (names can repeat; an
 * agent on my token is not me). Null for internal writes (the sweeper, the seed loader).
 */
const scope = new AsyncLocalStorage<{ principalId: string | null }>();

export const runAsWriter = <T>(writer: { principalId: string | null }, fn: () => T): T => scope.run(writer, fn);
export const currentWriterId = (): string | null => scope.getStore()?.principalId ?? null;

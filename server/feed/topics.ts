import { ALL_MEMORY_ROOM, DASHBOARD_ROOM, HANDOFFS_ROOM, type ChangeTopic } from '../../lib/events.ts';

/**
 * Per topic, the SQL that picks its changes for a set of rooms when a client catches up (the same
 * rule as TOPIC_ROOMS in lib/events.ts, on the table instead of one change): null when none of the
 * rooms follows this topic.
 */
export const TOPIC_REPLAY: { [T in ChangeTopic]: (rooms: readonly string[]) => { sql: string; params: unknown[] } | null } = {
  memory: (rooms) => {
    if (rooms.includes(ALL_MEMORY_ROOM)) return { sql: "topic = 'memory'", params: [] };
    const namespaces = rooms.filter((r) => r.startsWith('ns:')).map((r) => r.slice(3));
    if (!namespaces.length) return null;
    return { sql: `(topic = 'memory' AND namespace IN (${namespaces.map(() => '?').join(',')}))`, params: namespaces };
  },
  session: (rooms) => {
    if (rooms.includes(DASHBOARD_ROOM)) return { sql: "topic = 'session'", params: [] };
    const sessions = rooms.filter((r) => r.startsWith('session:')).map((r) => r.slice(8));
    if (!sessions.length) return null;
    return { sql: `(topic = 'session' AND key IN (${sessions.map(() => '?').join(',')}))`, params: sessions };
  },
  handoff: (rooms) => {
    if (rooms.includes(HANDOFFS_ROOM)) return { sql: "topic = 'handoff'", params: [] };
    const users = rooms.filter((r) => r.startsWith('user:')).map((r) => r.slice(5));
    if (!users.length) return null;
    const marks = users.map(() => '?').join(',');
    return {
      sql: `(topic = 'handoff' AND (json_extract(value, '$.to.userId') IN (${marks}) OR json_extract(value, '$.from.userId') IN (${marks})))`,
      params: [...users, ...users],
    };
  },
};

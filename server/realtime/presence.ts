/** Who is looking at what, right now. Volatile by design: kept in memory, never in the change feed. */
export interface Viewer {
  socketId: string;
  /** A stable id for the person or agent (user id, token id, share link id). */
  id: string;
  name: string;
  kind: 'user' | 'token' | 'share';
  /** What they are focused on (a section of the board), if they say. */
  focus: string | null;
  since: string;
}

/** What another node reported about its own sockets: room → viewers, and when it last said so. */
interface RemoteNode {
  at: number;
  rooms: Map<string, Viewer[]>;
}

/**
 * Viewers per room: this node's sockets, plus (several nodes) what each other node last reported about
 * its own. A node that stops reporting (it died) is dropped after `staleMs`.
 */
export class PresenceRegistry {
  private readonly rooms = new Map<string, Map<string, Viewer>>();
  private readonly remote = new Map<string, RemoteNode>();

  /** This node's own viewers, per room (what it reports to the other nodes). */
  localSnapshot(): Record<string, Viewer[]> {
    const out: Record<string, Viewer[]> = {};
    for (const [room, viewers] of this.rooms) out[room] = [...viewers.values()];
    return out;
  }

  /** Replaces what `node` reported; returns the rooms whose viewers may have changed. */
  setRemote(node: string, rooms: Record<string, Viewer[]>, now: number): string[] {
    const before = this.remote.get(node)?.rooms ?? new Map<string, Viewer[]>();
    const next = new Map(Object.entries(rooms).filter(([, v]) => Array.isArray(v) && v.length > 0));
    this.remote.set(node, { at: now, rooms: next });
    const changed = new Set<string>();
    for (const room of new Set([...before.keys(), ...next.keys()])) {
      if (JSON.stringify(before.get(room) ?? []) !== JSON.stringify(next.get(room) ?? [])) changed.add(room);
    }
    return [...changed];
  }

  /** Forgets nodes silent for `staleMs` (a node that died); returns the rooms they were in. */
  dropStale(now: number, staleMs: number): string[] {
    const changed: string[] = [];
    for (const [node, r] of this.remote) {
      if (now - r.at <= staleMs) continue;
      this.remote.delete(node);
      changed.push(...r.rooms.keys());
    }
    return changed;
  }

  /** Sets a socket's presence in a room; returns the room's viewers. */
  set(room: string, viewer: Viewer): Viewer[] {
    let viewers = this.rooms.get(room);
    if (!viewers) this.rooms.set(room, (viewers = new Map()));
    const previous = viewers.get(viewer.socketId);
    viewers.set(viewer.socketId, { ...viewer, since: previous?.since ?? viewer.since });
    return this.list(room);
  }

  /** Removes a socket from one room (or every room); returns the rooms that changed. */
  remove(socketId: string, room?: string): string[] {
    const changed: string[] = [];
    for (const [name, viewers] of this.rooms) {
      if (room && name !== room) continue;
      if (viewers.delete(socketId)) changed.push(name);
      if (viewers.size === 0) this.rooms.delete(name);
    }
    return changed;
  }

  roomNames(): string[] {
    const names = new Set(this.rooms.keys());
    for (const r of this.remote.values()) for (const room of r.rooms.keys()) names.add(room);
    return [...names];
  }

  /** One entry per person or agent, however many tabs (on however many nodes) they have open: the earliest. */
  list(room: string): Viewer[] {
    const byId = new Map<string, Viewer>();
    const all = [...(this.rooms.get(room)?.values() ?? [])];
    for (const r of this.remote.values()) all.push(...(r.rooms.get(room) ?? []));
    for (const v of all) {
      const seen = byId.get(v.id);
      if (!seen || v.since < seen.since) byId.set(v.id, v);
    }
    return [...byId.values()].sort((a, b) => a.since.localeCompare(b.since));
  }
}

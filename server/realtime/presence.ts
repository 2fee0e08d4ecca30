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

export class PresenceRegistry {
  private readonly rooms = new Map<string, Map<string, Viewer>>();

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
    return [...this.rooms.keys()];
  }

  /** One entry per person or agent, however many tabs they have open. */
  list(room: string): Viewer[] {
    const byId = new Map<string, Viewer>();
    for (const v of this.rooms.get(room)?.values() ?? []) if (!byId.has(v.id)) byId.set(v.id, v);
    return [...byId.values()].sort((a, b) => a.since.localeCompare(b.since));
  }
}

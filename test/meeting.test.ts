// Meeting mode: the pure reducer (server clock injected) and POST/GET /api/v1/sessions/:id/meeting
// end to end on a real server: who may drive, bad actions naming the field, agenda statuses moved
// through the board items, and live delivery of the new state to a second (share-link) socket.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Countdown } from '../components/present/countdown.tsx';
import type { Change } from '../lib/events.ts';
import { BatonError } from '../lib/errors.ts';
import { followFeed } from '../lib/feed-client.ts';
import {
  EMPTY_MEETING,
  STALE_PRESENTER_MS,
  meetingActionSchema,
  readMeeting,
  reduceMeeting,
  timerElapsed,
  type AgendaRef,
  type MeetingAction,
  type MeetingActor,
  type MeetingState,
} from '../lib/meeting.ts';
import type { SessionBoard } from '../lib/session-types.ts';
import { cookieHeaders, invitedUser, rawSocket, type TestUser } from './auth-helpers.ts';
import { api, startTestServer, waitFor, type TestServer } from './helpers.ts';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const ALICE: MeetingActor = { id: 'user:alice', label: 'Alice', admin: false };
const BOB: MeetingActor = { id: 'user:bob', label: 'Bob', admin: false };
const ADMIN: MeetingActor = { id: 'user:root', label: 'Root', admin: true };
const AGENDA: AgendaRef[] = [
  { id: 11, status: 'pending', timeboxMinutes: 10 },
  { id: 12, status: 'pending', timeboxMinutes: 15 },
  { id: 13, status: 'pending', timeboxMinutes: 5 },
];

/** Runs actions in order against an agenda whose statuses follow what the reducer asks for. */
function run(actions: [MeetingAction, MeetingActor, number][], start: MeetingState = EMPTY_MEETING, agenda = AGENDA) {
  let state = start;
  let items = agenda.map((a) => ({ ...a }));
  let statuses: { itemId: number; status: AgendaRef['status'] }[] = [];
  for (const [action, actor, now] of actions) {
    const r = reduceMeeting(state, action, { now, actor, agenda: items });
    state = r.state;
    statuses = r.statuses;
    items = items.map((a) => ({ ...a, status: r.statuses.find((s) => s.itemId === a.id)?.status ?? a.status }));
  }
  return { state, items, statuses };
}
const thrown = (fn: () => unknown): BatonError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof BatonError) return err;
    throw err;
  }
  throw new Error('expected a BatonError');
};

describe('the meeting reducer', () => {
  it('take puts the presenter on the first open item with a paused timer; next marks it done and restarts the timer on the next', () => {
    const taken = run([[{ action: 'take' }, ALICE, T0]]);
    expect(taken.state.presenter).toEqual({ id: 'user:alice', label: 'Alice', since: new Date(T0).toISOString() });
    expect(taken.state.agendaItemId).toBe(11);
    expect(taken.state.timer).toEqual({ itemId: 11, startedAt: null, elapsedMs: 0 });
    expect(taken.items.map((a) => a.status)).toEqual(['active', 'pending', 'pending']);

    const r = run([
      [{ action: 'take' }, ALICE, T0],
      [{ action: 'timer-start' }, ALICE, T0 + 1000],
      [{ action: 'next' }, ALICE, T0 + 61_000],
    ]);
    expect(r.statuses).toEqual([
      { itemId: 11, status: 'done' },
      { itemId: 12, status: 'active' },
    ]);
    expect(r.state.agendaItemId).toBe(12);
    // Restarted: running from the server's now, nothing counted yet; the time on item 11 is banked.
    expect(r.state.timer).toEqual({ itemId: 12, startedAt: new Date(T0 + 61_000).toISOString(), elapsedMs: 0 });
    expect(r.state.spentMs['11']).toBe(60_000);
    expect(timerElapsed(r.state.timer, T0 + 71_000)).toBe(10_000);
  });

  it('start, pause and start again add up on the server clock; reset clears; prev resumes the earlier item where it stopped', () => {
    const r = run([
      [{ action: 'take' }, ALICE, T0],
      [{ action: 'timer-start' }, ALICE, T0],
      [{ action: 'timer-pause' }, ALICE, T0 + 30_000],
      [{ action: 'timer-pause' }, ALICE, T0 + 40_000], // pausing a paused timer changes nothing
      [{ action: 'timer-start' }, ALICE, T0 + 100_000],
    ]);
    expect(r.state.timer.startedAt).toBe(new Date(T0 + 100_000).toISOString());
    expect(timerElapsed(r.state.timer, T0 + 105_000)).toBe(35_000);
    const back = run(
      [
        [{ action: 'next' }, ALICE, T0 + 110_000],
        [{ action: 'prev' }, ALICE, T0 + 120_000],
      ],
      r.state,
      r.items,
    );
    expect(back.state.agendaItemId).toBe(11);
    expect(back.items.map((a) => a.status)).toEqual(['active', 'pending', 'pending']);
    // Still running (it was), resumed from the 40 s spent on item 11.
    expect(timerElapsed(back.state.timer, T0 + 120_000)).toBe(40_000);
    const reset = run([[{ action: 'timer-reset' }, ALICE, T0 + 121_000]], back.state, back.items);
    expect(reset.state.timer).toEqual({ itemId: 11, startedAt: null, elapsedMs: 0 });
  });

  it('next past the last item completes the agenda; prev from the first and next after completion say why', () => {
    const r = run([
      [{ action: 'take' }, ALICE, T0],
      [{ action: 'next' }, ALICE, T0 + 1],
      [{ action: 'next' }, ALICE, T0 + 2],
      [{ action: 'next' }, ALICE, T0 + 3],
    ]);
    expect(r.state.agendaItemId).toBeNull();
    expect(r.state.timer).toEqual({ itemId: null, startedAt: null, elapsedMs: 0 });
    expect(r.items.map((a) => a.status)).toEqual(['done', 'done', 'done']);
    const done = thrown(() => reduceMeeting(r.state, { action: 'next' }, { now: T0 + 4, actor: ALICE, agenda: r.items }));
    expect([done.code, done.field, done.message]).toEqual(['invalid_input', 'action', 'action: the agenda is already complete']);
    // prev from "complete" goes back to the last item.
    expect(run([[{ action: 'prev' }, ALICE, T0 + 5]], r.state, r.items).state.agendaItemId).toBe(13);

    const first = run([[{ action: 'take' }, ALICE, T0]]);
    const e = thrown(() => reduceMeeting(first.state, { action: 'prev' }, { now: T0, actor: ALICE, agenda: first.items }));
    expect([e.field, e.message]).toEqual(['action', 'action: this is the first agenda item']);
    const none = thrown(() => reduceMeeting(EMPTY_MEETING, { action: 'next' }, { now: T0, actor: ALICE, agenda: [] }));
    expect(none.message).toMatch(/no agenda items/);
  });

  it('goto jumps to any item (the one we leave goes back to pending), refuses an unknown id, keeps the timer running if it was', () => {
    const r = run([
      [{ action: 'take' }, ALICE, T0],
      [{ action: 'timer-start' }, ALICE, T0],
      [{ action: 'goto', itemId: 13 }, ALICE, T0 + 5000],
    ]);
    expect(r.state.agendaItemId).toBe(13);
    expect(r.items.map((a) => a.status)).toEqual(['pending', 'pending', 'active']);
    expect(r.state.timer).toEqual({ itemId: 13, startedAt: new Date(T0 + 5000).toISOString(), elapsedMs: 0 });
    const e = thrown(() => reduceMeeting(r.state, { action: 'goto', itemId: 99 }, { now: T0, actor: ALICE, agenda: r.items }));
    expect([e.code, e.field]).toEqual(['not_found', 'itemId']);
  });

  it('only the presenter drives; with none anyone may; an admin (or anyone, once the presenter went silent) may take over', () => {
    const { state, items } = run([[{ action: 'take' }, ALICE, T0]]);
    for (const action of [
      { action: 'next' },
      { action: 'timer-start' },
      { action: 'summon' },
      { action: 'focus', section: 'agenda' },
      { action: 'take' },
      { action: 'release' },
    ] as MeetingAction[]) {
      const e = thrown(() => reduceMeeting(state, action, { now: T0 + 1000, actor: BOB, agenda: items }));
      expect([e.code, e.field, e.status], action.action).toEqual(['version_conflict', 'presenter', 409]);
      expect(e.message).toContain('Alice is presenting');
    }
    // An admin must take over explicitly before driving.
    expect(() => reduceMeeting(state, { action: 'next' }, { now: T0, actor: ADMIN, agenda: items })).toThrow(/Alice is presenting/);
    const over = reduceMeeting(state, { action: 'take' }, { now: T0 + 2000, actor: ADMIN, agenda: items });
    expect(over.state.presenter?.label).toBe('Root');
    expect(over.state.agendaItemId).toBe(11); // taking over keeps the meeting where it is
    expect(reduceMeeting(state, { action: 'take' }, { now: T0 + STALE_PRESENTER_MS + 1, actor: BOB, agenda: items }).state.presenter?.id).toBe('user:bob');
    // Release ends control: then anyone who may edit drives.
    const released = run([[{ action: 'release' }, ALICE, T0 + 3000]], state, items);
    expect(released.state.presenter).toBeNull();
    expect(run([[{ action: 'next' }, BOB, T0 + 4000]], released.state, released.items).state.agendaItemId).toBe(12);
  });

  it('focus and summon are part of the shared state, stamped with the server clock', () => {
    const r = run([
      [{ action: 'focus', section: 'decisions' }, ALICE, T0],
      [{ action: 'summon' }, ALICE, T0 + 500],
    ]);
    expect(r.state.focus).toBe('decisions');
    expect(r.state.summonedAt).toBe(new Date(T0 + 500).toISOString());
    expect(r.state.updatedAt).toBe(new Date(T0 + 500).toISOString());
    expect(run([[{ action: 'focus', section: null }, ALICE, T0 + 600]], r.state).state.focus).toBeNull();
  });

  it('the action schema names the offending field; a malformed stored state reads as empty', () => {
    const field = (input: unknown) => {
      const r = meetingActionSchema.safeParse(input);
      return r.success ? null : r.error.issues[0]!.path.join('.');
    };
    expect(field({ action: 'jump' })).toBe('action');
    expect(field({})).toBe('action');
    expect(field({ action: 'goto' })).toBe('itemId');
    expect(field({ action: 'goto', itemId: 'x' })).toBe('itemId');
    expect(field({ action: 'focus', section: 'kitchen' })).toBe('section');
    expect(field({ action: 'focus', section: null })).toBeNull();
    expect(readMeeting('nonsense')).toEqual(EMPTY_MEETING);
    expect(readMeeting({ presenter: 3, agendaItemId: 'x', timer: { elapsedMs: -5, startedAt: 'never' }, focus: 'kitchen' })).toEqual(EMPTY_MEETING);
  });
});

describe('the countdown every screen shows', () => {
  const render = (props: Parameters<typeof Countdown>[0]) => {
    const html = renderToStaticMarkup(createElement(Countdown, props));
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];
    return { html, remaining: Number(attr('data-remaining-ms')), over: attr('data-over'), running: attr('data-running') };
  };

  it('is computed on the server clock: a screen whose clock is 10 minutes slow shows the same time left', () => {
    const serverNow = Date.now() + 10 * 60_000;
    const timer = { itemId: 1, startedAt: new Date(serverNow - 5 * 60_000).toISOString(), elapsedMs: 60_000 };
    const slow = render({ timer, timeboxMinutes: 15, offset: 10 * 60_000, live: true, spentMs: 0 });
    // 15 min box − (1 min before the start + 5 min since) = 9 min left, whatever our own clock says.
    expect(Math.abs(slow.remaining - 9 * 60_000)).toBeLessThan(1000);
    expect([slow.over, slow.running]).toEqual(['false', 'true']);
    expect(slow.html).toMatch(/>9:00<|>8:59</);
  });

  it('past the timebox it counts up in red; paused it stands still; an item we only browse shows its banked time', () => {
    const over = render({
      timer: { itemId: 1, startedAt: new Date(Date.now() - 25 * 60_000).toISOString(), elapsedMs: 0 },
      timeboxMinutes: 23,
      offset: 0,
      live: true,
      spentMs: 0,
    });
    expect(over.over).toBe('true');
    expect(over.html).toContain('+2:00');
    expect(over.html).toContain('text-rose-600');
    expect(over.html).toContain('over time');
    const paused = render({ timer: { itemId: 1, startedAt: null, elapsedMs: 90_000 }, timeboxMinutes: 10, offset: 0, live: true, spentMs: 0 });
    expect([paused.remaining, paused.running]).toEqual([510_000, 'false']);
    expect(paused.html).toContain('8:30');
    expect(paused.html).toContain('paused');
    const browsing = render({
      timer: { itemId: 2, startedAt: new Date().toISOString(), elapsedMs: 0 },
      timeboxMinutes: 10,
      offset: 0,
      live: false,
      spentMs: 120_000,
    });
    expect([browsing.remaining, browsing.running]).toEqual([480_000, 'false']);
  });
});

describe('POST /api/v1/sessions/:id/meeting', () => {
  const NS = 'team-a';
  const ID = 'coord-meeting-1';
  let clock: number;
  let s: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let viewer: TestUser;
  let agenda: number[];

  beforeEach(async () => {
    clock = T0;
    s = await startTestServer({ now: () => clock, sweepIntervalMs: 3_600_000 });
    alice = await invitedUser(s, 'member', 'Alice');
    bob = await invitedUser(s, 'member', 'Bob');
    viewer = await invitedUser(s, 'viewer', 'Vera');
    const init = { session_id: ID, session_type: 'team-coordination', coordinator: 'alice', participants: ['alice', 'bob'], meeting_duration: '45 minutes' };
    expect(
      (await api(s.url, '/api/v1/memory/entry', { method: 'PUT', json: { namespace: NS, key: 'session/coordination/init', value: JSON.stringify(init) } }))
        .status,
    ).toBe(201);
    for (const [title, timeboxMinutes] of [
      ['Demo', 10],
      ['Blockers', 15],
      ['Next sprint', 5],
    ] as const) {
      const r = await api(s.url, `/api/v1/sessions/${ID}/items`, { method: 'POST', json: { kind: 'agenda', data: { title, timeboxMinutes } } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    agenda = (await board()).items.filter((i) => i.kind === 'agenda').map((i) => i.id);
    expect(agenda).toHaveLength(3);
  });
  afterEach(() => s.close());

  const board = async (): Promise<SessionBoard> => (await api(s.url, `/api/v1/sessions/${ID}`)).body;
  const act = (who: TestUser | null, json: unknown) =>
    api(s.url, `/api/v1/sessions/${ID}/meeting`, { method: 'POST', token: null, headers: who ? cookieHeaders(s.url, who.cookie) : {}, json });
  const meetingOf = (b: SessionBoard) => readMeeting(b.details.meeting);
  const statuses = (b: SessionBoard) => b.items.filter((i) => i.kind === 'agenda').map((i) => (i.data as { status: string }).status);

  it('the presenter takes control and advances the agenda: statuses, timer and focus land on the board; the audit log names each action', async () => {
    let r = await act(alice, { action: 'take' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(meetingOf(r.body).presenter).toMatchObject({ id: `user:${alice.id}`, label: 'Alice' });
    expect(meetingOf(r.body).agendaItemId).toBe(agenda[0]);
    expect(statuses(r.body)).toEqual(['active', 'pending', 'pending']);

    expect((await act(alice, { action: 'timer-start' })).status).toBe(200);
    clock += 90_000;
    const before = s.app.feed.headSeq();
    r = await act(alice, { action: 'next' });
    expect(r.status).toBe(200);
    // Two agenda items and the meeting state changed: the board goes out once, with all three.
    const appended = s.app.feed.readAfter(before, 100).filter((c) => c.topic === 'session' && c.key === ID);
    expect(appended).toHaveLength(1);
    // The feed's copy also names who made the change, by id (pages never tell people about their own).
    expect(JSON.parse(appended[0]!.value!)).toEqual({ ...r.body, writerId: `user:${alice.id}` });
    const m = meetingOf(r.body);
    expect(m.agendaItemId).toBe(agenda[1]);
    expect(m.timer).toEqual({ itemId: agenda[1], startedAt: new Date(clock).toISOString(), elapsedMs: 0 });
    expect(m.spentMs[String(agenda[0])]).toBe(90_000);
    expect(statuses(r.body)).toEqual(['done', 'active', 'pending']);
    r = await act(alice, { action: 'focus', section: 'decisions' });
    expect(meetingOf(r.body).focus).toBe('decisions');

    // The state is the board's: a fresh load (a reconnect) gets it back.
    expect(meetingOf(await board())).toEqual(meetingOf(r.body));
    const state = await api(s.url, `/api/v1/sessions/${ID}/meeting`);
    expect(state.body).toEqual({ meeting: meetingOf(r.body), serverNow: clock });

    const audit = s.app.audit.list({ limit: 50 }).items.filter((e: { action: string }) => e.action === 'session.meeting');
    expect(audit.map((e: { detail: { action: string } | null }) => e.detail?.action).reverse()).toEqual(['take', 'timer-start', 'next', 'focus']);
  });

  it('others are refused with 409 naming the presenter; an admin takes over; viewers, share links and strangers cannot drive at all', async () => {
    await act(alice, { action: 'take' });
    const before = (await board()).version;
    for (const body of [{ action: 'next' }, { action: 'take' }, { action: 'release' }, { action: 'timer-start' }]) {
      const r = await act(bob, body);
      expect([r.status, r.body.error.field], body.action).toEqual([409, 'presenter']);
      expect(r.body.error.message).toContain('Alice is presenting');
    }
    expect((await board()).version).toBe(before); // nothing changed
    expect((await act(viewer, { action: 'take' })).status).toBe(403);
    expect((await act(null, { action: 'take' })).status).toBe(401);
    const share = await api(s.url, '/api/v1/share-links', { method: 'POST', json: { sessionId: ID } });
    const shared = await api(s.url, `/api/v1/sessions/${ID}/meeting?share=${share.body.token}`, { method: 'POST', token: null, json: { action: 'next' } });
    expect(shared.status).toBe(403);
    // A share link may read the state (and the server's clock) of its session only.
    const read = await api(s.url, `/api/v1/sessions/${ID}/meeting?share=${share.body.token}`, { token: null });
    expect([read.status, read.body.meeting.presenter.label]).toEqual([200, 'Alice']);

    // The admin (API token of the owner, an admin) takes over.
    const over = await api(s.url, `/api/v1/sessions/${ID}/meeting`, { method: 'POST', json: { action: 'take' } });
    expect(over.status).toBe(200);
    expect(meetingOf(over.body).presenter?.label).toBe('token:tests');
    expect((await act(alice, { action: 'next' })).status).toBe(409);
    expect((await api(s.url, `/api/v1/sessions/${ID}/meeting`, { method: 'POST', json: { action: 'release' } })).status).toBe(200);
    // Nobody presents: anyone who may edit drives.
    expect((await act(bob, { action: 'next' })).status).toBe(200);
  });

  it('bad actions are 4xx naming the field, never a crash', async () => {
    const cases: [unknown, number, string][] = [
      [{ action: 'jump' }, 422, 'action'],
      [{}, 422, 'action'],
      [{ action: 'goto' }, 422, 'itemId'],
      [{ action: 'goto', itemId: 'two' }, 422, 'itemId'],
      [{ action: 'goto', itemId: 999_999 }, 404, 'itemId'],
      [{ action: 'focus', section: 'kitchen' }, 422, 'section'],
      [{ action: 'prev' }, 422, 'action'],
    ];
    await act(alice, { action: 'take' });
    for (const [json, status, field] of cases) {
      const r = await act(alice, json);
      expect([r.status, r.body.error?.field], JSON.stringify(json)).toEqual([status, field]);
      expect(r.body.error.message.startsWith(`${field}: `)).toBe(true);
    }
    const notJson = await api(s.url, `/api/v1/sessions/${ID}/meeting`, { method: 'POST', body: '{nope' });
    expect([notJson.status, notJson.body.error.field]).toEqual([400, 'body']);
    const missing = await api(s.url, '/api/v1/sessions/nope/meeting', { method: 'POST', json: { action: 'take' } });
    expect(missing.status).toBe(404);
  });

  it('a follower on a second socket (a share link) gets each move live, well within a second', async () => {
    const share = await api(s.url, '/api/v1/share-links', { method: 'POST', json: { sessionId: ID } });
    const snapshot = await api(s.url, `/api/v1/sessions/${ID}?share=${share.body.token}`, { token: null });
    const socket = rawSocket(s.url, { share: share.body.token });
    const seen: { board: SessionBoard; at: number }[] = [];
    const feed = followFeed(socket, {
      rooms: [`session:${ID}`],
      sinceSeq: snapshot.body.seq,
      onChanges: (cs: Change[]) => seen.push(...cs.map((c) => ({ board: JSON.parse(c.value!) as SessionBoard, at: performance.now() }))),
      onResync: async () => 0,
    });
    try {
      await waitFor(() => socket.connected, 3000, 'share socket');
      await act(alice, { action: 'take' });
      await waitFor(() => seen.some((x) => meetingOf(x.board).presenter !== null), 3000, 'take');
      const latencies: number[] = [];
      for (const action of ['timer-start', 'next', 'summon'] as const) {
        const sent = performance.now();
        const r = await act(alice, { action });
        expect(r.status).toBe(200);
        const want = meetingOf(r.body);
        await waitFor(() => seen.some((x) => JSON.stringify(meetingOf(x.board)) === JSON.stringify(want)), 1000, `${action} live`);
        latencies.push(seen.find((x) => JSON.stringify(meetingOf(x.board)) === JSON.stringify(want))!.at - sent);
      }
      const last = seen.at(-1)!.board;
      expect(meetingOf(last).agendaItemId).toBe(agenda[1]);
      expect(statuses(last)).toEqual(['done', 'active', 'pending']);
      expect(Math.max(...latencies)).toBeLessThan(1000);
      console.log(`meeting action → follower board: ${latencies.map((l) => `${l.toFixed(1)} ms`).join(', ')}`);
    } finally {
      feed.close();
      socket.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { safeNext } from '../lib/safe-next.ts';

// Issue 14, finding 6: `/sign-in?next=%2F%09%2Fevil.example%2Fphish` sent the signed-in browser to
// evil.example (browsers drop the tab and read `//evil.example` as another host).
const ORIGIN = 'http://localhost:3000';
const after = (next: string) => safeNext(`?next=${encodeURIComponent(next)}`, ORIGIN);
const rawQuery = (query: string) => safeNext(query, ORIGIN);

describe('safeNext: only same-origin paths', () => {
  it.each([
    '/\t/evil.example/phish',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '\t//evil.example',
    ' //evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    'https://evil.example',
    'http:evil.example',
    'javascript:alert(1)',
    'evil.example',
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '',
  ])('refuses %j', (next) => {
    const to = after(next);
    expect(to).toBe('/');
    expect(new URL(to, ORIGIN).origin).toBe(ORIGIN);
  });

  it.each([
    ['?next=%2F%09%2Fevil.example%2Fphish', '/'],
    ['?next=%2F%5Cevil.example', '/'],
    ['?next=%2F%2Fevil.example', '/'],
    ['?next=https%3A%2F%2Fevil.example', '/'],
    ['?next=/%09/evil.example', '/'],
    ['', '/'],
    ['?other=1', '/'],
  ])('refuses the raw query %j', (query, expected) => {
    expect(rawQuery(query)).toBe(expected);
  });

  it.each([
    ['/', '/'],
    ['/memory', '/memory'],
    ['/sessions/abc?tab=board#goals', '/sessions/abc?tab=board#goals'],
    ['/memory?namespace=team-a&key=a%2Fb', '/memory?namespace=team-a&key=a%2Fb'],
    ['/a/../memory', '/memory'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'], // an encoded slash stays a path on this origin
  ])('keeps %j as %j', (next, expected) => {
    expect(after(next)).toBe(expected);
  });

  it('every answer, followed by a browser, stays on this origin', () => {
    const samples = ['/\t/x', '/.//x', '//x', '/x', '/\\x', '/%09/x', '/..//x', '/./\\x'];
    for (const next of samples) {
      const to = after(next);
      expect(to.startsWith('/') && !to.startsWith('//')).toBe(true);
      expect(new URL(to, ORIGIN).origin).toBe(ORIGIN);
    }
  });
});

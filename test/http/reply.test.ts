import { httpHandler, type Reply, type Route } from '../../shared/http';
import { captureLog, serve, type Served } from './server';

/** Routes whose handlers return what they should not: each is a bug, so 500 without details. */
const badReplies: Record<string, Reply> = {
  '/open-redirect': { redirect: '//evil.example/x' },
  '/backslash-redirect': { redirect: '/\\evil.example' },
  '/http-redirect': { redirect: 'http://example.com/' },
  '/http-lookalike-redirect': { redirect: 'http://127.0.0.1.evil.example/' },
  '/script-redirect': { redirect: 'javascript:alert(1)' },
  '/header-injection': { headers: { 'X-Note': 'a\r\nSet-Cookie: x=1' } },
  '/bad-header-name': { headers: { 'Bad Name': 'x' } },
  '/cookie-injection': { cookies: ['a=1\r\nLocation: /x'] },
  '/interim-status': { status: 101 },
  '/bigint-body': { body: { n: BigInt(1) } },
  '/function-body': { body: () => 1 },
};
const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;

const goodReplies: Record<string, Reply> = {
  '/no-body': {},
  '/created': { status: 201, body: { id: 'c-1' }, headers: { 'X-Request-Note': 'ok' } },
  '/https-redirect': { redirect: 'https://us.etrade.com/e/t/etws/authorize?key=k&token=t' },
  // The local system's simulator: the chat's renew button answers 302 to its authorize page.
  '/loopback-redirect': { status: 302, redirect: 'http://127.0.0.1:8089/e/t/etws/authorize?key=k&token=t' },
  '/reply-cannot-drop-no-store': { body: {}, headers: { 'Cache-Control': 'public, max-age=600' } },
};

const routes: Route[] = [
  ...Object.entries({ ...badReplies, ...goodReplies }).map(([path, reply]): Route => ({
    method: 'GET',
    path,
    handle: async () => reply,
  })),
  { method: 'GET', path: '/cyclic-body', handle: async () => ({ body: cyclic }) },
];

const captured = captureLog();
let served: Served;
beforeAll(async () => {
  served = await serve('replyTest', httpHandler(routes, { log: captured.log }));
});
afterAll(() => served.close());

const get = (path: string) => fetch(served.baseUrl + path, { redirect: 'manual' });

describe('replies', () => {
  it.each([...Object.keys(badReplies), '/cyclic-body'])('%s → 500 Internal error', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal error' } });
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('defaults to 204 without a body', async () => {
    const response = await get('/no-body');
    expect(response.status).toBe(204);
    expect(response.headers.get('content-type')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps a chosen status and extra headers', async () => {
    const response = await get('/created');
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-note')).toBe('ok');
    expect(await response.json()).toEqual({ id: 'c-1' });
  });

  it('redirects to https URLs', async () => {
    const response = await get('/https-redirect');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^https:\/\/us\.etrade\.com\//);
  });

  it('redirects to plain http only on loopback (the local simulator)', async () => {
    const response = await get('/loopback-redirect');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:8089\//);
  });

  it('never lets a reply weaken Cache-Control', async () => {
    const response = await get('/reply-cannot-drop-no-store');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('route declarations', () => {
  const handle = async (): Promise<Reply> => ({});
  it.each([
    ['a path without a leading slash', [{ method: 'GET', path: 'status', handle }]],
    ['a path with a trailing slash', [{ method: 'GET', path: '/status/', handle }]],
    [
      'the same method and path twice',
      [
        { method: 'GET', path: '/status', handle },
        { method: 'GET', path: '/status', handle },
      ],
    ],
  ] as [string, Route[]][])('refuses %s at start-up', (_name, declared) => {
    expect(() => httpHandler(declared, { log: captured.log })).toThrow(/Route/);
  });
});

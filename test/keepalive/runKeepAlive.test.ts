import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { runKeepAlive } from '../../shared/keepalive';
import { CANARY_CONSUMER } from '../support/simulatedEtrade';
import { forEachTimeZone } from '../support/timeZones';
import { KeepAliveHarness, MINUTE, RETRIES } from './keepAliveHarness';

const ACCOUNTS = '/v1/accounts/list';
const RENEW = '/oauth/renew_access_token';
// 09:00 EDT on the first trading day after the 2026 switch to daylight time.
const MONDAY_MORNING = '2026-03-09T13:00:00Z';

forEachTimeZone(() => {
  describe('runKeepAlive against the simulator, file ledger and vault', () => {
    let h: KeepAliveHarness;

    beforeEach(async () => {
      h = await KeepAliveHarness.start({ startAt: MONDAY_MORNING });
    });
    afterEach(() => h.close());

    async function expectNoSecretsOut(): Promise<void> {
      const text = await h.outgoingText();
      for (const secret of [...h.tokenMaterial, CANARY_CONSUMER.secret]) expect(text).not.toContain(secret);
    }

    it('leaves connections without a live token alone: no call, no write', async () => {
      const { record } = await h.issue('sandbox');
      await h.ledger.recordDead('sandbox', record.generation, { at: h.clock.now(), kind: 'revoked' });
      const revoked = await h.ledger.get('sandbox');
      const before = h.sim.requests.length;

      const report = await runKeepAlive(h.ctx, { force: true });

      expect(report.connections).toEqual([
        { connectionId: 'prod', generation: 0, outcome: 'not-live' },
        { connectionId: 'sandbox', generation: 1, outcome: 'not-live' },
      ]);
      expect(report.counts).toMatchObject({ 'not-live': 2, touched: 0, failed: 0 });
      expect(h.requestsSince(before)).toEqual([]);
      expect(await h.ledger.get('sandbox')).toEqual(revoked);
      expect(await h.ledger.get('prod')).toMatchObject({ generation: 0, keepAlive: { failureStreak: 0 } });
    });

    it('skips a token used recently, recording the run but calling nothing; force touches it', async () => {
      const { record } = await h.issue('prod');
      h.clock.advance(30 * MINUTE);
      const before = h.sim.requests.length;

      const report = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });

      expect(report.connections).toEqual([{ connectionId: 'prod', generation: 1, outcome: 'skipped' }]);
      expect(h.requestsSince(before)).toEqual([]);
      const skipped = await h.ledger.get('prod');
      expect(skipped.lastUsedAt).toEqual(record.issuedAt);
      expect(skipped.keepAlive).toMatchObject({ lastOutcome: 'skipped', lastRunAt: h.clock.now() });

      const forced = await runKeepAlive(h.ctx, { connectionIds: ['prod'], force: true });
      expect(forced.connections[0].outcome).toBe('touched');
      expect(h.requestsSince(before)).toEqual([`${ACCOUNTS} 200`]);
    });

    it('touches a token once the keep-alive is due, and the ledger moves lastUsedAt', async () => {
      const { pair } = await h.issue('prod');
      h.clock.advance(91 * MINUTE);
      const before = h.sim.requests.length;

      const report = await runKeepAlive(h.ctx);

      expect(report.connections).toEqual([
        { connectionId: 'prod', generation: 1, outcome: 'touched' },
        { connectionId: 'sandbox', generation: 0, outcome: 'not-live' },
      ]);
      expect(h.requestsSince(before)).toEqual([`${ACCOUNTS} 200`]);
      expect(await h.ledger.get('prod')).toMatchObject({
        lastUsedAt: h.clock.now(),
        keepAlive: { lastOutcome: 'touched', lastSuccessAt: h.clock.now(), failureStreak: 0 },
      });
      // Another 91 minutes later the token is only alive because of that touch.
      h.clock.advance(91 * MINUTE);
      expect((await runKeepAlive(h.ctx)).connections[0].outcome).toBe('touched');
      expect(h.sim.tokenState(pair.token)).toBe('active');
      expect(h.notifier.notices).toEqual([]);
      await expectNoSecretsOut();
    });

    it('renews an idle token, verifies it, and E*TRADE agrees it is active again', async () => {
      const { pair } = await h.issue('prod');
      h.clock.advance(125 * MINUTE);
      expect(h.sim.tokenState(pair.token)).toBe('idle');
      const before = h.sim.requests.length;

      const report = await runKeepAlive(h.ctx);

      expect(report.connections[0]).toEqual({ connectionId: 'prod', generation: 1, outcome: 'renewed' });
      expect(h.requestsSince(before)).toEqual([`${RENEW} 200`, `${ACCOUNTS} 200`]);
      expect(h.sim.tokenState(pair.token)).toBe('active');
      expect(await h.ledger.get('prod')).toMatchObject({
        lastRenewedAt: h.clock.now(),
        lastUsedAt: h.clock.now(),
        keepAlive: { lastOutcome: 'renewed' },
      });
      await expectNoSecretsOut();
    });

    it('renews when E*TRADE calls the token idle although the ledger did not expect it', async () => {
      const { pair, record } = await h.issue('prod');
      // The trading system reported a use E*TRADE never saw: our timeline is 30 minutes optimistic.
      await h.ledger.recordUsed('prod', record.generation, new Date(h.clock.now().getTime() + 30 * MINUTE));
      h.clock.advance(125 * MINUTE);
      const before = h.sim.requests.length;

      const report = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });

      expect(report.connections[0].outcome).toBe('renewed');
      expect(h.requestsSince(before)).toEqual([`${ACCOUNTS} 401`, `${RENEW} 200`, `${ACCOUNTS} 200`]);
      expect(h.sim.tokenState(pair.token)).toBe('active');
    });

    it('calls a token not-live from New York midnight on, on the day daylight time starts', async () => {
      // 01:30 EST on Sunday 2026-03-08; New York's next midnight is 04:00Z (EDT), not 05:00Z.
      h.clock.set('2026-03-08T06:30:00Z');
      const { pair } = await h.issue('prod');

      h.clock.set('2026-03-09T03:59:00Z'); // 23:59 EDT: idle by now, but alive
      expect((await runKeepAlive(h.ctx)).connections[0].outcome).toBe('renewed');

      h.clock.set('2026-03-09T04:00:00Z');
      const record = await h.ledger.get('prod');
      const before = h.sim.requests.length;
      const report = await runKeepAlive(h.ctx, { force: true });

      expect(report.connections[0]).toEqual({ connectionId: 'prod', generation: 1, outcome: 'not-live' });
      expect(h.requestsSince(before)).toEqual([]);
      expect(await h.ledger.get('prod')).toEqual(record);
      expect(h.sim.tokenState(pair.token)).toBe('expired');
    });

    it.each([
      ['token_rejected', 'ERR_TOKEN_REJECTED'],
      ['token_expired', 'ERR_TOKEN_EXPIRED'],
    ] as const)(
      'a renew that answers 200 but leaves the token dead (%s) is a death, announced once across runs',
      async (dead, code) => {
        const { record } = await h.issue('prod');
        h.clock.advance(125 * MINUTE);
        h.sim.inject({ kind: 'renewButDead', dead });
        const before = h.sim.requests.length;

        const first = await runKeepAlive(h.ctx);
        h.clock.advance(15 * MINUTE);
        const second = await runKeepAlive(h.ctx, { force: true });

        expect(first.connections[0]).toEqual({
          connectionId: 'prod',
          generation: 1,
          outcome: 'died',
          errorCode: code,
        });
        expect(second.connections[0].outcome).toBe('not-live');
        expect(h.requestsSince(before)).toEqual([`${RENEW} 200`, `${ACCOUNTS} 401`]);
        expect(await h.ledger.get('prod')).toMatchObject({ generation: 1, diedAt: expect.any(Date) });

        expect(h.notifier.notices).toHaveLength(1);
        // Only a new login helps: the notice asks for one (a button per channel), the code last.
        expect(h.notifier.notices[0]).toMatchObject({
          kind: 'token.expired',
          connectionId: 'prod',
          action: { kind: 'renew', targets: [{ connectionId: 'prod', label: 'Live' }] },
          footer: [`Code for support: ${code}.`],
        });
        expect(await h.settled()).toEqual([
          {
            type: 'token.expired',
            connectionId: 'prod',
            generation: 1,
            secretVersion: record.secretVersion,
            expiresAt: record.expiresAt?.toISOString(),
            at: expect.any(String),
          },
        ]);
        await expectNoSecretsOut();
      },
    );

    it('counts 5xx failures (each after its retries), warns once at 3, and announces recovery once', async () => {
      await h.issue('prod');
      h.clock.advance(91 * MINUTE);
      const streaks: number[] = [];
      for (let run = 1; run <= 4; run++) {
        h.sim.inject({ kind: 'status', status: 503, times: 1 + RETRIES, path: ACCOUNTS });
        const before = h.sim.requests.length;
        const report = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });
        expect(report.connections[0]).toEqual({
          connectionId: 'prod',
          generation: 1,
          outcome: 'failed',
          errorCode: 'ERR_TRANSIENT',
        });
        expect(h.requestsSince(before)).toEqual(Array(1 + RETRIES).fill(`${ACCOUNTS} 503`));
        streaks.push((await h.ledger.get('prod')).keepAlive.failureStreak);
        expect(h.notifier.ofKind('keepalive.warning')).toHaveLength(run >= 3 ? 1 : 0);
        h.clock.advance(5 * MINUTE);
      }
      expect(streaks).toEqual([1, 2, 3, 4]);
      const [warning] = h.notifier.ofKind('keepalive.warning');
      // Issued 09:00 EDT, never touched since: idle at 11:00 EDT whatever the process zone; the third
      // failure is at 10:41, so the warning says what is true then, and that waiting is the remedy.
      expect(warning.lines[0]).toBe(
        '3 keep-alive runs in a row failed; the token goes idle at 11:00 AM ET (in 19 min) unless a call works.',
      );
      expect(warning.lines[1]).toContain('Nothing to do yet: keep-alive tries again every 15 minutes');
      expect(warning.footer).toEqual(['Code for support: ERR_TRANSIENT.']);
      expect(warning.action).toBeUndefined();

      const recovered = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });
      h.clock.advance(91 * MINUTE);
      const healthy = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });

      expect(recovered.connections[0].outcome).toBe('touched');
      expect(healthy.connections[0].outcome).toBe('touched');
      expect((await h.ledger.get('prod')).keepAlive).toMatchObject({
        failureStreak: 0,
        lastErrorCode: 'ERR_TRANSIENT',
      });
      expect(h.notifier.notices.map((n) => n.kind)).toEqual(['keepalive.warning', 'keepalive.recovered']);
      expect(h.notifier.notices[1].lines).toEqual([
        'Keep-alive works again after 4 failed runs; nothing to do.',
      ]);
      expect((await h.settled()).map((e) => [e.type, e.generation])).toEqual([
        ['keepalive.failed', 1],
        ['keepalive.recovered', 1],
      ]);
      await expectNoSecretsOut();
    });

    describe('a run racing a PIN exchange (a newer generation recorded between read and write)', () => {
      /** Runs a real exchange for `prod` the moment the keep-alive has read its pair, before it calls E*TRADE. */
      function exchangeWhenPairIsRead(): { newer: Promise<unknown> } {
        const read = h.vault.readTokenPair.bind(h.vault);
        const race: { newer: Promise<unknown> } = { newer: Promise.resolve() };
        jest.spyOn(h.vault, 'readTokenPair').mockImplementationOnce(async (id, version) => {
          const stored = await read(id, version);
          race.newer = h.issue('prod');
          await race.newer;
          return stored;
        });
        return race;
      }

      const races: [name: string, arrange: () => void, errorCode: string | undefined][] = [
        ['touch succeeds', () => undefined, undefined],
        [
          'touch fails',
          () => h.sim.inject({ kind: 'status', status: 502, times: 1 + RETRIES, path: ACCOUNTS }),
          'ERR_TRANSIENT',
        ],
        [
          'token dies',
          () => {
            h.clock.advance(35 * MINUTE); // idle: renew first
            h.sim.inject({ kind: 'renewButDead' });
          },
          'ERR_TOKEN_REJECTED',
        ],
      ];
      it.each(races)('%s → superseded, nothing written, nothing announced', async (_name, arrange, code) => {
        await h.issue('prod');
        h.clock.advance(91 * MINUTE);
        arrange();
        const race = exchangeWhenPairIsRead();

        const report = await runKeepAlive(h.ctx, { connectionIds: ['prod'] });
        await race.newer;

        expect(report.connections[0]).toEqual({
          connectionId: 'prod',
          generation: 1,
          outcome: 'superseded',
          ...(code ? { errorCode: code } : {}),
        });
        const newest = await h.ledger.get('prod');
        expect(newest).toMatchObject({ generation: 2, secretVersion: '2', keepAlive: { failureStreak: 0 } });
        expect(newest.diedAt).toBeUndefined();
        expect(newest.lastUsedAt).toEqual(newest.issuedAt);
        expect(h.notifier.notices).toEqual([]);
        expect(await h.settled()).toEqual([]);
      });
    });

    it('one connection failing never stops the others; each failure carries its code', async () => {
      await h.close();
      h = await KeepAliveHarness.start({
        startAt: MONDAY_MORNING,
        connections: ['ok', 'corrupt', 'noconsumer', 'stale', 'diskfull'].map((id) => ({
          id,
          environment: 'sandbox' as const,
        })),
        missingConsumerSecrets: ['etrade-oauth-noconsumer-consumer'],
      });
      for (const id of ['ok', 'corrupt', 'noconsumer', 'stale', 'diskfull']) await h.issue(id);
      // The vault holds a newer, unrecorded version and the recorded one is disabled: never fall back to it.
      const unrecorded = await h.accessToken('stale');
      await h.vault.putTokenPair('stale', unrecorded);
      await h.vault.disableOlderVersions('stale', '2');
      await writeFile(path.join(h.vaultDirectory, 'etrade-oauth-corrupt-access.json'), '{not json');
      const recordKeepAlive = h.ledger.recordKeepAlive.bind(h.ledger);
      jest
        .spyOn(h.ledger, 'recordKeepAlive')
        .mockImplementation((id, generation, result) =>
          id === 'diskfull' ? Promise.reject(new Error('ENOSPC')) : recordKeepAlive(id, generation, result),
        );
      h.clock.advance(91 * MINUTE);

      const report = await runKeepAlive(h.ctx, {
        concurrency: 2,
        connectionIds: [...h.config.connections.map((c) => c.id), 'nope'],
      });

      const outcomes = Object.fromEntries(
        report.connections.map((c) => [c.connectionId, [c.outcome, c.errorCode].filter(Boolean).join(' ')]),
      );
      expect(outcomes).toEqual({
        prod: 'not-live',
        sandbox: 'not-live',
        ok: 'touched',
        corrupt: 'failed ERR_SECRET_CORRUPT',
        noconsumer: 'failed ERR_CONSUMER_MISSING',
        stale: 'failed ERR_TOKEN_MISSING',
        diskfull: 'failed ERR_STORE_UNAVAILABLE',
        nope: 'failed ERR_UNKNOWN_CONNECTION',
      });
      expect(report.counts).toMatchObject({ touched: 1, failed: 5, 'not-live': 2 });
      expect((await h.ledger.get('stale')).keepAlive).toMatchObject({
        failureStreak: 1,
        lastErrorCode: 'ERR_TOKEN_MISSING',
      });
      expect((await h.ledger.get('diskfull')).keepAlive.lastRunAt).toBeUndefined();
      expect(
        h.logLines.some((line) => line.includes('"keepalive.unrecorded"') && line.includes('diskfull')),
      ).toBe(true);
      await expectNoSecretsOut();
    });
  });
});

describe('runKeepAlive when the batched ledger read fails', () => {
  it('falls back to one read per connection and still keeps every token alive', async () => {
    const h = await KeepAliveHarness.start({ startAt: MONDAY_MORNING });
    try {
      await h.issue('prod');
      await h.issue('sandbox');
      h.clock.advance(91 * MINUTE);
      jest.spyOn(h.ledger, 'getMany').mockRejectedValueOnce(new Error('deadline exceeded'));

      const report = await runKeepAlive(h.ctx);

      expect(report.counts).toMatchObject({ touched: 2, failed: 0 });
      expect(h.logLines.some((line) => line.includes('"keepalive.batch_read_failed"'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe('runKeepAlive options', () => {
  it.each([0, -1, 1.5, Number.NaN])('rejects concurrency %p, naming the option', async (concurrency) => {
    const h = await KeepAliveHarness.start({ startAt: MONDAY_MORNING });
    try {
      await expect(runKeepAlive(h.ctx, { concurrency })).rejects.toThrow(
        /options\.concurrency must be a positive integer/,
      );
    } finally {
      await h.close();
    }
  });
});

import { randomUUID } from 'node:crypto';

import {
  type ChatAlert,
  RENEWAL_HISTORY_LIMIT,
  type PendingFlow,
  type TokenLedger,
} from '../../shared/ports/tokenLedger';

export interface LedgerUnderTest {
  readonly ledger: TokenLedger;
  cleanup(): Promise<void>;
}

/**
 * The TokenLedger's behaviour, observed through the port only, run unchanged against every adapter.
 * Instants carry odd milliseconds so a store that rounds (or shifts a zone) fails the equality checks.
 * Flow and marker expiries lie in the real future: the stores' TTL (and its local stand-in) runs on
 * wall time, and must not remove them mid-test.
 */
export function tokenLedgerContract(name: string, make: () => Promise<LedgerUnderTest>): void {
  describe(`${name} (TokenLedger contract)`, () => {
    let subject: LedgerUnderTest;
    let ledger: TokenLedger;
    beforeEach(async () => {
      subject = await make();
      ledger = subject.ledger;
    });
    afterEach(() => subject.cleanup());

    const T0 = new Date('2026-03-02T14:15:16.789Z');
    const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000 + 1);
    const EXPIRES = new Date('2026-03-03T05:00:00.000Z');
    const issue = (connectionId: string, secretVersion: string, minutes = 0) =>
      ledger.recordIssued({ connectionId, secretVersion, issuedAt: at(minutes), expiresAt: EXPIRES });

    describe('token records', () => {
      it('gives a never-issued connection generation 0 and an empty history', async () => {
        expect(await ledger.get('never')).toEqual({
          connectionId: 'never',
          generation: 0,
          keepAlive: { failureStreak: 0 },
          history: [],
        });
      });

      it('numbers issued tokens 1, 2, … and reads back what was written, to the millisecond', async () => {
        await issue('c', '1');
        const second = await issue('c', '2', 7);

        expect(second.outcome).toBe('applied');
        const stored = await ledger.get('c');
        expect(stored).toEqual(second.record);
        expect(stored).toEqual({
          connectionId: 'c',
          generation: 2,
          secretVersion: '2',
          issuedAt: at(7),
          expiresAt: EXPIRES,
          lastUsedAt: at(7),
          keepAlive: { failureStreak: 0 },
          history: [
            { generation: 2, secretVersion: '2', issuedAt: at(7) },
            { generation: 1, secretVersion: '1', issuedAt: at(0) },
          ],
        });
        expect(stored.issuedAt?.getTime()).toBe(at(7).getTime());
      });

      it('ignores a token stored in an older or the same vault version (newest wins)', async () => {
        const newest = await issue('c', '10');
        for (const version of ['10', '9', '2']) {
          expect(await issue('c', version, 3)).toEqual({ outcome: 'superseded', record: newest.record });
        }
        expect(await ledger.get('c')).toEqual(newest.record);
      });

      it(`keeps the newest ${RENEWAL_HISTORY_LIMIT} history entries`, async () => {
        for (let v = 1; v <= RENEWAL_HISTORY_LIMIT + 2; v += 1) await issue('c', String(v));
        const { history } = await ledger.get('c');
        expect(history).toHaveLength(RENEWAL_HISTORY_LIMIT);
        expect(history.map((e) => e.generation)).toEqual(
          Array.from({ length: RENEWAL_HISTORY_LIMIT }, (_, i) => RENEWAL_HISTORY_LIMIT + 2 - i),
        );
      });

      it('moves lastUsedAt forward only, for the current generation only', async () => {
        await issue('c', '1');
        expect((await ledger.recordUsed('c', 1, at(30))).applied).toBe(true);
        expect((await ledger.recordUsed('c', 1, at(20))).applied).toBe(true);
        expect((await ledger.get('c')).lastUsedAt).toEqual(at(30));

        await issue('c', '2', 40);
        expect((await ledger.recordUsed('c', 1, at(50))).applied).toBe(false);
        expect((await ledger.recordUsed('never', 0, at(50))).applied).toBe(false);
        expect((await ledger.get('c')).lastUsedAt).toEqual(at(40));
        expect((await ledger.get('never')).generation).toBe(0);
      });

      it('counts keep-alive failures and reports the health before each write ("recovered")', async () => {
        await issue('c', '1');
        await ledger.recordKeepAlive('c', 1, { at: at(1), outcome: 'failed', errorCode: 'TRANSIENT' });
        const failed = await ledger.recordKeepAlive('c', 1, { at: at(2), outcome: 'failed', errorCode: 'X' });
        const skipped = await ledger.recordKeepAlive('c', 1, { at: at(3), outcome: 'skipped' });
        const renewed = await ledger.recordKeepAlive('c', 1, { at: at(4), outcome: 'renewed' });

        expect(failed.previous).toMatchObject({ failureStreak: 1, lastErrorCode: 'TRANSIENT' });
        expect(skipped.record.keepAlive.failureStreak).toBe(2);
        expect(renewed).toMatchObject({
          applied: true,
          previous: { failureStreak: 2, lastOutcome: 'skipped' },
        });
        expect(await ledger.get('c')).toMatchObject({
          lastUsedAt: at(4),
          lastRenewedAt: at(4),
          keepAlive: { lastRunAt: at(4), lastOutcome: 'renewed', lastSuccessAt: at(4), failureStreak: 0 },
        });
      });

      it('drops a keep-alive for a replaced generation without a trace', async () => {
        await issue('c', '1');
        const current = (await issue('c', '2', 1)).record;
        const stale = await ledger.recordKeepAlive('c', 1, { at: at(9), outcome: 'failed', errorCode: 'X' });
        expect(stale).toEqual({ applied: false, record: current });
        expect(await ledger.get('c')).toEqual(current);
      });

      it('marks a generation dead once, and a new token clears it', async () => {
        await issue('c', '1');
        const first = await ledger.recordDead('c', 1, { at: at(5), kind: 'revoked' });
        const again = await ledger.recordDead('c', 1, { at: at(6), kind: 'died' });
        expect(first).toMatchObject({ applied: true, record: { revokedAt: at(5) } });
        expect(again.applied).toBe(false);
        expect(await ledger.get('c')).toEqual(first.record);

        const next = await issue('c', '2', 7);
        expect(next.record.revokedAt).toBeUndefined();
        expect((await ledger.recordDead('c', 1, { at: at(8), kind: 'died' })).applied).toBe(false);
        expect((await ledger.recordDead('c', 2, { at: at(8), kind: 'died' })).record.diedAt).toEqual(at(8));
      });

      it("keeps ids that are awkward for a store apart ('/', '.', '..', '__x__')", async () => {
        const ids = ['acct/1', 'acct%2F1', '.', '..', '__x__'];
        for (const [i, id] of ids.entries()) await issue(id, String(i + 1));
        expect((await ledger.getMany(ids)).map((r) => [r.connectionId, r.secretVersion])).toEqual(
          ids.map((id, i) => [id, String(i + 1)]),
        );
      });

      it('reads many records in the order asked, missing ones as generation 0, repeats repeated', async () => {
        await issue('a', '1');
        await issue('b', '4');
        const records = await ledger.getMany(['b', 'missing', 'a', 'b']);
        expect(records.map((r) => [r.connectionId, r.generation, r.secretVersion])).toEqual([
          ['b', 1, '4'],
          ['missing', 0, undefined],
          ['a', 1, '1'],
          ['b', 1, '4'],
        ]);
        expect(await ledger.getMany([])).toEqual([]);
      });
    });

    describe('pending PIN flows', () => {
      const flow = (overrides: Partial<PendingFlow> = {}): PendingFlow => {
        const now = Date.now();
        return {
          id: `flow-${randomUUID()}`,
          connectionId: 'c',
          requestToken: 'rt+/=',
          requestSecret: 'rs+/=',
          ownerSession: 'alice',
          createdAt: new Date(now - (now % 1000) + 123),
          expiresAt: new Date(now - (now % 1000) + 300_123),
          attempts: 0,
          ...overrides,
        };
      };

      it('counts attempts up to the maximum, then reports exhausted', async () => {
        const created = flow();
        await ledger.createFlow(created);
        const claims = [];
        for (let i = 0; i < 4; i += 1)
          claims.push(await ledger.claimFlowAttempt(created.id, 'alice', created.createdAt, 3));
        expect(claims).toEqual([
          { ok: true, flow: { ...created, attempts: 1 } },
          { ok: true, flow: { ...created, attempts: 2 } },
          { ok: true, flow: { ...created, attempts: 3 } },
          { ok: false, reason: 'exhausted' },
        ]);
      });

      it('rejects a duplicate id', async () => {
        const created = flow();
        await ledger.createFlow(created);
        await expect(ledger.createFlow({ ...created, ownerSession: 'mallory' })).rejects.toThrow(created.id);
        expect(await ledger.claimFlowAttempt(created.id, 'alice', created.createdAt, 3)).toMatchObject({
          ok: true,
        });
      });

      it("answers not_found for another session's flow, and does not count the attempt", async () => {
        const created = flow();
        await ledger.createFlow(created);
        expect(await ledger.claimFlowAttempt(created.id, 'mallory', created.createdAt, 1)).toEqual({
          ok: false,
          reason: 'not_found',
        });
        expect(await ledger.claimFlowAttempt(created.id, 'alice', created.createdAt, 1)).toMatchObject({
          ok: true,
        });
      });

      it("lists an owner's flows oldest first, without request tokens, expired ones still listed", async () => {
        const owner = `telegram:${randomUUID()}`;
        const older = flow({ ownerSession: owner, connectionId: 'ira' });
        const newer = flow({
          ownerSession: owner,
          createdAt: new Date(older.createdAt.getTime() + 2000),
          expiresAt: new Date(older.expiresAt.getTime() + 2000),
        });
        const stranger = flow({ ownerSession: `${owner}x` });
        await ledger.createFlow(newer);
        await ledger.createFlow(stranger);
        await ledger.createFlow(older);
        await ledger.claimFlowAttempt(newer.id, owner, newer.createdAt, 5);
        const summary = (f: PendingFlow, attempts = 0) => ({
          id: f.id,
          connectionId: f.connectionId,
          createdAt: f.createdAt,
          expiresAt: f.expiresAt,
          attempts,
        });
        expect(await ledger.flowsOf(owner)).toEqual([summary(older), summary(newer, 1)]);
        // Past its expiry it is listed (a late code is "the window closed") but never usable.
        expect(await ledger.claimFlowAttempt(older.id, owner, older.expiresAt, 5)).toEqual({
          ok: false,
          reason: 'expired',
        });
        expect((await ledger.flowsOf(owner)).map((f) => f.id)).toEqual([older.id, newer.id]);
        await ledger.deleteFlow(older.id);
        expect((await ledger.flowsOf(owner)).map((f) => f.id)).toEqual([newer.id]);
        expect(await ledger.flowsOf('nobody')).toEqual([]);
      });

      it('answers expired from expiresAt on, and not_found once deleted', async () => {
        const created = flow();
        await ledger.createFlow(created);
        expect(await ledger.claimFlowAttempt(created.id, 'alice', created.expiresAt, 3)).toEqual({
          ok: false,
          reason: 'expired',
        });
        await ledger.deleteFlow(created.id);
        await ledger.deleteFlow(created.id);
        expect(await ledger.claimFlowAttempt(created.id, 'alice', created.createdAt, 3)).toEqual({
          ok: false,
          reason: 'not_found',
        });
      });
    });

    describe('chat alerts', () => {
      const alert = (overrides: Partial<ChatAlert> = {}): ChatAlert => ({
        chatId: '-1001234567890',
        messageId: 7,
        connectionIds: ['prod', 'sandbox'],
        notice: JSON.stringify({ kind: 'morning.reminder', title: 'Renew <b> & "x"', lines: ['é 😀'] }),
        sentAt: at(0),
        expiresAt: new Date(Date.now() + 86_400_000),
        ...overrides,
      });

      it('finds a chat’s unexpired alerts by connection, oldest first, as written', async () => {
        const chatId = `-100${Date.now()}${Math.floor(Math.random() * 1000)}`;
        const first = alert({ chatId, messageId: 3 });
        const second = alert({ chatId, messageId: 9, connectionIds: ['prod'], sentAt: at(5) });
        const expired = alert({ chatId, messageId: 11, expiresAt: at(1) });
        const otherChat = alert({ chatId: `${chatId}1`, messageId: 3 });
        for (const a of [second, expired, otherChat, first]) await ledger.recordChatAlert(a);

        expect(await ledger.chatAlertsAbout(chatId, 'prod', at(2))).toEqual([first, second]);
        expect(await ledger.chatAlertsAbout(chatId, 'sandbox', at(2))).toEqual([first]);
        expect(await ledger.chatAlertsAbout(chatId, 'ira', at(2))).toEqual([]);
        // A store may drop an alert once it expired (the file ledger's prune, Firestore's TTL).
        expect(await ledger.chatAlertsAbout(chatId, 'prod', at(0))).toEqual(
          expect.arrayContaining([first, second]),
        );
      });

      it('replaces an alert with the same chat and message id; forgets one, twice without harm', async () => {
        const chatId = `-100${Date.now()}${Math.floor(Math.random() * 1000)}`;
        await ledger.recordChatAlert(alert({ chatId }));
        const replaced = alert({ chatId, connectionIds: ['ira'] });
        await ledger.recordChatAlert(replaced);
        expect(await ledger.chatAlertsAbout(chatId, 'prod', at(0))).toEqual([]);
        expect(await ledger.chatAlertsAbout(chatId, 'ira', at(0))).toEqual([replaced]);
        await ledger.forgetChatAlert(chatId, 7);
        await ledger.forgetChatAlert(chatId, 7);
        expect(await ledger.chatAlertsAbout(chatId, 'ira', at(0))).toEqual([]);
      });

      it('refuses a malformed alert, naming the field, and stores nothing', async () => {
        const chatId = `-100${Date.now()}`;
        await expect(ledger.recordChatAlert(alert({ chatId, messageId: 0 }))).rejects.toThrow('messageId');
        await expect(ledger.recordChatAlert(alert({ chatId, connectionIds: [''] }))).rejects.toThrow(
          'connectionIds',
        );
        await expect(ledger.recordChatAlert(alert({ chatId, sentAt: new Date(NaN) }))).rejects.toThrow(
          'sentAt',
        );
        expect(await ledger.chatAlertsAbout(chatId, 'prod', at(0))).toEqual([]);
      });
    });

    describe('markers', () => {
      const future = (): Date => new Date(Date.now() + 86_400_000);

      it('is claimed by the first caller only; another key is independent', async () => {
        const key = `alert/c/2026-03-02.${randomUUID()}`;
        expect(await ledger.claimMarker(key, T0, future())).toBe(true);
        expect(await ledger.claimMarker(key, T0, future())).toBe(false);
        expect(await ledger.claimMarker(`${key}x`, T0, future())).toBe(true);
      });

      it('can be claimed again once past its expiry, even if the store has not removed it yet', async () => {
        const expiresAt = future();
        expect(await ledger.claimMarker('daily', T0, expiresAt)).toBe(true);
        expect(await ledger.claimMarker('daily', new Date(expiresAt.getTime() - 1), future())).toBe(false);
        expect(await ledger.claimMarker('daily', expiresAt, future())).toBe(true);
      });

      it('is given back by the claim that holds it, once; then the next caller claims it', async () => {
        const key = `morning-alert:2026-03-02.${randomUUID()}`;
        expect(await ledger.claimMarker(key, T0, future(), 'run-a')).toBe(true);
        expect(await ledger.claimMarker(key, T0, future(), 'run-b')).toBe(false);

        expect(await ledger.releaseMarker(key, 'run-a')).toBe(true);
        expect(await ledger.releaseMarker(key, 'run-a')).toBe(false); // already released

        expect(await ledger.claimMarker(key, T0, future(), 'run-b')).toBe(true);
        expect(await ledger.releaseMarker(key, 'run-a')).toBe(false); // run-b's now: untouched
        expect(await ledger.claimMarker(key, T0, future(), 'run-c')).toBe(false);
      });

      it('is never released by another holder, without a holder, or when it was never claimed', async () => {
        const key = `alert.${randomUUID()}`;
        expect(await ledger.releaseMarker(key, 'run-a')).toBe(false);
        expect(await ledger.claimMarker(key, T0, future(), 'run-a')).toBe(true);
        expect(await ledger.releaseMarker(key, 'run-b')).toBe(false);
        expect(await ledger.claimMarker(key, T0, future(), 'run-b')).toBe(false);

        // A marker claimed without a holder (a login link's nonce) can never be given back.
        const link = `login-link:${randomUUID()}`;
        expect(await ledger.claimMarker(link, T0, future())).toBe(true);
        expect(await ledger.releaseMarker(link, 'run-a')).toBe(false);
        expect(await ledger.claimMarker(link, T0, future())).toBe(false);
      });

      it('leaves a claim that took over after expiry to its new holder', async () => {
        const key = `daily.${randomUUID()}`;
        const expiresAt = future();
        const nextDay = new Date(expiresAt.getTime() + 86_400_000);
        expect(await ledger.claimMarker(key, T0, expiresAt, 'yesterday')).toBe(true);
        expect(await ledger.claimMarker(key, expiresAt, nextDay, 'today')).toBe(true);

        expect(await ledger.releaseMarker(key, 'yesterday')).toBe(false);
        expect(await ledger.claimMarker(key, expiresAt, nextDay, 'later')).toBe(false);
        expect(await ledger.releaseMarker(key, 'today')).toBe(true);
      });

      it('a claim without a holder replaces an expired one that had a holder', async () => {
        const key = `daily.${randomUUID()}`;
        const expiresAt = future();
        const nextDay = new Date(expiresAt.getTime() + 86_400_000);
        expect(await ledger.claimMarker(key, T0, expiresAt, 'old')).toBe(true);
        expect(await ledger.claimMarker(key, expiresAt, nextDay)).toBe(true);
        expect(await ledger.releaseMarker(key, 'old')).toBe(false);
        expect(await ledger.claimMarker(key, expiresAt, nextDay)).toBe(false);
      });

      it('concurrent releases of one claim: exactly one gives it back', async () => {
        const key = `race.${randomUUID()}`;
        expect(await ledger.claimMarker(key, T0, future(), 'run-a')).toBe(true);
        const released = await Promise.all([1, 2, 3].map(() => ledger.releaseMarker(key, 'run-a')));
        expect(released.filter(Boolean)).toHaveLength(1);
        const claims = await Promise.all(
          ['b', 'c', 'd'].map((run) => ledger.claimMarker(key, T0, future(), run)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      });

      it('refuses an empty holder, naming it, and changes nothing', async () => {
        const key = `bad.${randomUUID()}`;
        await expect(ledger.claimMarker(key, T0, future(), '')).rejects.toThrow('holder');
        await expect(ledger.releaseMarker(key, '')).rejects.toThrow('holder');
        expect(await ledger.claimMarker(key, T0, future(), 'run-a')).toBe(true);
      });
    });
  });
}

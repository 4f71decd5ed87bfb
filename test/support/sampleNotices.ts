import { consumerKeyAgingNotice } from '../../shared/alerts/consumerKeyAging';
import type { ConnectionToken } from '../../shared/alerts/connectionTokens';
import { morningEscalationNotice, morningReminderNotice } from '../../shared/alerts/morningNotice';
import { AppError } from '../../shared/app/errors';
import { type Connection, loadConfig } from '../../shared/config';
import {
  keepAliveRecoveredNotice,
  keepAliveWarningNotice,
  tokenDiedNotice,
} from '../../shared/keepalive/notices';
import { emptyRecord } from '../../shared/ledger/transitions';
import { consumerKeyAge, recordFacts, tokenTimeline } from '../../shared/lifecycle';
import { loginLimitedNotice, loginLinkNotice } from '../../shared/notify/loginLinkNotice';
import { type ActionLinks, type LinkStyle, presentNotice } from '../../shared/notify/noticeActions';
import {
  codeAcceptedNotice,
  codeExpiredNotice,
  codeRejectedNotice,
  codeUnmatchedNotice,
  helpNotice,
  renewOfferNotice,
  statusNotice,
} from '../../shared/notify/telegramReplies';
import { renewalFailedNotice, renewalSucceededNotice } from '../../shared/pinflow/notices';
import type { Notice, NoticeKind } from '../../shared/ports/notifier';
import { newYorkInstant } from '../../shared/time/newYork';

/**
 * One notice of every kind, each built by the code that really sends it, for a connection whose
 * label holds every character a chat format treats specially. Tuesday 2026-03-10, 08:30 EDT.
 */
export const SAMPLE_NOW = new Date('2026-03-10T12:30:00Z');
export const SAMPLE_OPEN = new Date('2026-03-10T13:30:00Z');
export const PAGE_URL = 'https://tokens.example.com';
export const SIGN_IN_URL = `${PAGE_URL}/login?t=eyJzaWduZWQiOiJvbmNlIn0.c2lnbmF0dXJl`;
/** The renew button a sample gets for a connection: recognisable, one per connection. */
export const renewUrl = (connectionId: string) => `${PAGE_URL}/renew?t=${connectionId}.c2lnbmF0dXJl`;
/** As the config loads it: `<`, `>`, `&`, `"` in a label are legal and must reach the chat as text. */
export const HOSTILE_LABEL = 'Live <IRA> & "Joint"';

export function sampleConnections(label = HOSTILE_LABEL): { prod: Connection; sandbox: Connection } {
  const config = loadConfig({
    ETRADE_CONNECTIONS: JSON.stringify([
      { id: 'prod', environment: 'prod', label, consumerKeyCreatedAt: '2024-04-01' },
    ]),
  });
  return { prod: config.connections[0], sandbox: config.connections[1] };
}

/** `label`: the prod connection's; the hostile one by default, `Live` for the docs' table. */
export function sampleNotices(label = HOSTILE_LABEL): Record<NoticeKind, Notice> {
  const { prod, sandbox } = sampleConnections(label);
  const token = (connection: Connection): ConnectionToken => {
    const record = emptyRecord(connection.id);
    return {
      connection,
      record,
      timeline: tokenTimeline(recordFacts(record), SAMPLE_NOW),
      renewedToday: false,
    };
  };
  const tokens = [token(prod)];
  const prodTarget = { connectionId: 'prod', label };
  return {
    'morning.reminder': morningReminderNotice({
      tokens,
      open: SAMPLE_OPEN,
      earlyClose: false,
      now: SAMPLE_NOW,
    }),
    'morning.escalation': morningEscalationNotice({
      tokens: [token(prod), token(sandbox)],
      open: SAMPLE_OPEN,
      now: new Date('2026-03-10T13:15:00Z'),
    }),
    'renewal.succeeded': renewalSucceededNotice(prod, {
      generation: 3,
      expiresAt: new Date('2026-03-11T04:00:00Z'),
      accounts: 2,
      warnings: [],
    }),
    'renewal.failed': renewalFailedNotice(
      prod,
      'vault',
      new AppError('ERR_STORE_UNAVAILABLE', 'Failed while storing the new token', { step: 'vault' }),
      SAMPLE_NOW,
    ),
    'keepalive.warning': keepAliveWarningNotice(prod, {
      streak: 3,
      errorCode: 'ERR_TRANSIENT',
      idleAt: new Date('2026-03-10T16:00:00Z'),
      at: new Date('2026-03-10T16:15:00Z'),
    }),
    'keepalive.recovered': keepAliveRecoveredNotice(prod, { outcome: 'renewed', previousStreak: 4 }),
    'token.expired': tokenDiedNotice(prod, 'ERR_TOKEN_REJECTED', new Date('2026-03-10T15:05:00Z')),
    'login.link': loginLinkNotice(SAMPLE_NOW),
    'consumerKey.aging': consumerKeyAgingNotice(
      prod,
      consumerKeyAge(newYorkInstant(prod.consumerKeyCreatedAt!), SAMPLE_NOW),
    ),
    'chat.status': statusNotice({
      now: SAMPLE_NOW.toISOString(),
      asOf: SAMPLE_NOW.toISOString(),
      midnight: '2026-03-11T04:00:00.000Z',
      secondsToMidnight: 15.5 * 3600,
      nextMorningAlert: '2026-03-11T12:30:00.000Z',
      connections: [
        {
          id: 'prod',
          label,
          environment: 'prod',
          state: 'active',
          generation: 3,
          secondsToExpiry: 15.5 * 3600,
          keepAlive: { consecutiveFailures: 0 },
        },
        {
          id: 'sandbox',
          label: 'Sandbox',
          environment: 'sandbox',
          state: 'expired',
          generation: 1,
          keepAlive: { consecutiveFailures: 0 },
        },
      ],
    }),
    'chat.renew': renewOfferNotice([prodTarget], SAMPLE_NOW),
    'chat.help': helpNotice(),
    'chat.loginLimited': loginLimitedNotice(new Date('2026-03-10T12:31:00Z')),
    'code.accepted': codeAcceptedNotice(
      label,
      [{ label: 'Sandbox', expiresAt: new Date('2026-03-10T12:34:00Z') }],
      false,
    ),
    'code.rejected': codeRejectedNotice([{ target: prodTarget, attemptsLeft: 4 }], SAMPLE_NOW, false),
    'code.expired': codeExpiredNotice([prodTarget], SAMPLE_NOW, false),
    'code.unmatched': codeUnmatchedNotice('no-login'),
  };
}

/** Links that are the same on every run: a renew button per connection, the one sign-in URL. */
export function sampleLinks(style: LinkStyle): ActionLinks {
  return {
    style,
    pageUrl: PAGE_URL,
    renew: async (connectionId) =>
      style === 'chat' ? renewUrl(connectionId) : `${SIGN_IN_URL}&renew=${connectionId}`,
    signIn: async () => SIGN_IN_URL,
  };
}

/** Every sample as a channel of `style` shows it (its links made), at SAMPLE_NOW. */
export async function presentedSamples(
  style: LinkStyle,
  label = HOSTILE_LABEL,
): Promise<Record<NoticeKind, Notice>> {
  const samples = sampleNotices(label);
  const shown = await Promise.all(
    Object.entries(samples).map(async ([kind, notice]) => [
      kind,
      await presentNotice(notice, sampleLinks(style), { now: SAMPLE_NOW }),
    ]),
  );
  return Object.fromEntries(shown) as Record<NoticeKind, Notice>;
}

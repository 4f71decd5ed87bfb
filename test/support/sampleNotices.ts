import { consumerKeyAgingNotice } from '../../shared/alerts/consumerKeyAging';
import { morningEscalationNotice, morningReminderNotice } from '../../shared/alerts/morningNotice';
import { type Connection, loadConfig } from '../../shared/config';
import {
  keepAliveRecoveredNotice,
  keepAliveWarningNotice,
  tokenDiedNotice,
} from '../../shared/keepalive/notices';
import { emptyRecord } from '../../shared/ledger/transitions';
import { consumerKeyAge, recordFacts, tokenTimeline } from '../../shared/lifecycle';
import { loginLinkNotice } from '../../shared/notify/loginLinkNotice';
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
/** As the config loads it: `<`, `>`, `&`, `"` in a label are legal and must reach the chat as text. */
export const HOSTILE_LABEL = 'Live <IRA> & "Joint"';

export function sampleConnections(): { prod: Connection; sandbox: Connection } {
  const config = loadConfig({
    ETRADE_CONNECTIONS: JSON.stringify([
      { id: 'prod', environment: 'prod', label: HOSTILE_LABEL, consumerKeyCreatedAt: '2024-04-01' },
    ]),
  });
  return { prod: config.connections[0], sandbox: config.connections[1] };
}

export function sampleNotices(): Record<NoticeKind, Notice> {
  const { prod } = sampleConnections();
  const record = emptyRecord('prod');
  const timeline = tokenTimeline(recordFacts(record), SAMPLE_NOW);
  return {
    'morning.reminder': morningReminderNotice({
      connection: prod,
      record,
      timeline,
      open: SAMPLE_OPEN,
      earlyClose: false,
      link: SIGN_IN_URL,
    }),
    'morning.escalation': morningEscalationNotice({
      connection: prod,
      record,
      timeline,
      open: SAMPLE_OPEN,
      now: new Date('2026-03-10T13:15:00Z'),
      link: SIGN_IN_URL,
    }),
    'renewal.succeeded': renewalSucceededNotice(prod, {
      generation: 3,
      expiresAt: new Date('2026-03-11T04:00:00Z'),
      accounts: 2,
      warnings: [],
    }),
    'renewal.failed': renewalFailedNotice(prod, 'exchange', 'ERR_VERIFIER_REJECTED'),
    'keepalive.warning': keepAliveWarningNotice(
      prod,
      { streak: 3, errorCode: 'ERR_TRANSIENT', idleAt: new Date('2026-03-10T16:00:00Z') },
      PAGE_URL,
    ),
    'keepalive.recovered': keepAliveRecoveredNotice(prod, { outcome: 'renewed', previousStreak: 4 }),
    'token.expired': tokenDiedNotice(prod, 'ERR_TOKEN_REJECTED', PAGE_URL),
    'login.link': loginLinkNotice(SIGN_IN_URL),
    'consumerKey.aging': consumerKeyAgingNotice(
      prod,
      consumerKeyAge(newYorkInstant(prod.consumerKeyCreatedAt!), SAMPLE_NOW),
    ),
  };
}

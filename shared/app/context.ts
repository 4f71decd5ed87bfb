import type { MarketCalendar } from '../calendar';
import type { AppConfig } from '../config';
import type { Logger } from '../log';
import type { TelegramChat } from '../notify/telegramHtml';
import type { Clock } from '../ports/clock';
import type { EventBus } from '../ports/eventBus';
import type { Notifier } from '../ports/notifier';
import type { NoticeOutbox } from '../ports/noticeOutbox';
import type { SecretReader } from '../ports/secretReader';
import type { SecretVault } from '../ports/secretVault';
import type { TokenLedger } from '../ports/tokenLedger';
import type { LedgerSnapshots } from '../status/snapshotTokenLedger';
import type { EtradeClients } from './etradeClients';

/**
 * Everything a use case may need, chosen once per instance from validated config: GCP adapters in
 * the cloud, embedded ones locally. Use cases take `Pick<AppContext, …>` of just what they use.
 */
export interface AppContext {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly calendar: MarketCalendar;
  readonly ledger: TokenLedger;
  /** Status's reads of the ledger: shared for up to STATUS_MAX_AGE_MS, dropped by any write through `ledger`. */
  readonly ledgerSnapshots: LedgerSnapshots;
  readonly vault: SecretVault;
  readonly events: EventBus;
  /** Every configured channel at once (fan-out), each notice with a fresh sign-in link. */
  readonly notifier: Notifier;
  /**
   * Notices that must not hold up an answer: queued for the `notices` function when NOTICES_TOPIC is
   * set (in the cloud), else sent in-line through `notifier`.
   */
  readonly outbox: NoticeOutbox;
  /** The configured Telegram chat alone, for answers to its commands; undefined without TELEGRAM_CHAT_ID. */
  readonly telegram: TelegramChat | undefined;
  readonly secrets: SecretReader;
  /**
   * Readies the Google clients built so far for their first call, with no call: their generated
   * clients and protos loaded, their connections opening (a warm-up, shared/app/warmUp.ts). Never
   * rejects; does nothing where there are none (the embedded stores).
   */
  warmClients(): Promise<void>;
  readonly etrade: EtradeClients;
  readonly log: Logger;
  /** Public URL of the token page (Firebase Hosting, or the local system), for deep links. */
  readonly pageUrl: string;
}

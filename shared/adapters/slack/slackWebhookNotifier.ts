import type { Logger } from '../../log';
import { ChannelError, codeForStatus, transportError } from '../../notify/errors';
import { slackPayload } from '../../notify/slackMrkdwn';
import type { Notice, Notifier } from '../../ports/notifier';
import { SECRET_IDS, type SecretReader } from '../../ports/secretReader';

export interface SlackWebhookNotifierOptions {
  readonly secrets: SecretReader;
  readonly log: Logger;
  /** The request is aborted after this long. Default 10 s. */
  readonly timeoutMs?: number;
  /** Injected transport; default the global fetch. */
  readonly fetch?: typeof fetch;
}

const CHANNEL = 'slack';
export const DEFAULT_SLACK_TIMEOUT_MS = 10_000;

/**
 * Notices to a Slack channel through an incoming webhook. The webhook URL is itself the credential
 * (whoever has it can post), so it lives in a secret, is registered for redaction and never logged.
 */
export class SlackWebhookNotifier implements Notifier {
  constructor(private readonly options: SlackWebhookNotifierOptions) {}

  async send(notice: Notice): Promise<void> {
    const url = await this.webhookUrl();
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(slackPayload(notice)),
        signal,
        redirect: 'error',
      });
    } catch (error) {
      throw transportError(CHANNEL, error, signal.aborted);
    }
    let answer: string;
    try {
      answer = await response.text();
    } catch (error) {
      throw transportError(CHANNEL, error, signal.aborted);
    }
    if (!response.ok) {
      // Slack answers with a short code (`no_service`, `invalid_payload`): safe to keep, nothing else is.
      const reason = /^[a-z_]{1,40}$/.test(answer.trim()) ? answer.trim() : undefined;
      throw new ChannelError(codeForStatus(response.status), CHANNEL, { status: response.status, reason });
    }
  }

  private async webhookUrl(): Promise<string> {
    let url: string | undefined;
    try {
      url = (await this.options.secrets.read(SECRET_IDS.slackWebhookUrl))?.trim();
    } catch {
      throw new ChannelError('ERR_CHANNEL_SECRET_UNAVAILABLE', CHANNEL);
    }
    if (!url || !isHttpUrl(url)) throw new ChannelError('ERR_CHANNEL_NOT_CONFIGURED', CHANNEL);
    this.options.log.redact(url);
    return url;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

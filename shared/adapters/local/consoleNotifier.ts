import type { Notice, Notifier } from '../../ports/notifier';

/**
 * The local system's notifier: prints each notice as a few readable lines. Links are printed on
 * purpose (the local sign-in link is how a developer opens the page); this adapter is never used in
 * the cloud, where output goes to Cloud Logging.
 */
export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  async send(notice: Notice): Promise<void> {
    const lines = [`[${notice.kind}] ${notice.title}`, ...notice.lines.map((line) => `  ${line}`)];
    for (const button of notice.buttons ?? []) lines.push(`  ${button.text}: ${button.url}`);
    this.write(`${lines.join('\n')}\n`);
  }
}

import { h, setData, setText } from './dom';
import { etTime, relative } from './format';
import { OUTCOME_WORDS, errorWords } from './keepAliveWords';
import { liveRegion } from './messages';
import type { ConnectionStatus } from './types';

/** Keep-alive health per connection, and the button that runs it now. */
export class KeepAlivePanel {
  readonly element: HTMLElement;
  readonly force = h('button', { type: 'button', className: 'button secondary', id: 'force-keepalive' });
  /** Where the forced run's result is announced, right under the button. */
  readonly messages = liveRegion('keepalive-messages');
  private readonly list = h('ul', { className: 'health', role: 'list' });
  private readonly rows = new Map<string, Row>();

  constructor(onForce: () => Promise<void>) {
    this.force.textContent = 'Force keep-alive now';
    this.element = h(
      'section',
      { className: 'section', id: 'keepalive', 'aria-labelledby': 'keepalive-title' },
      h('h2', { id: 'keepalive-title' }, 'Keep-alive'),
      h(
        'p',
        { className: 'intro' },
        'E*TRADE pauses a token after 2 hours unused. Keep-alive calls E*TRADE every 15 minutes so that never happens.',
      ),
      this.list,
      this.force,
      this.messages,
    );
    this.force.addEventListener('click', () => {
      this.force.disabled = true;
      setText(this.force, 'Running keep-alive…');
      void onForce().finally(() => {
        this.force.disabled = false;
        setText(this.force, 'Force keep-alive now');
      });
    });
  }

  update(connections: readonly ConnectionStatus[], nowMs: number): void {
    const ids = connections.map((c) => c.id).join('\n');
    if (ids !== [...this.rows.keys()].join('\n')) {
      this.rows.clear();
      for (const connection of connections) this.rows.set(connection.id, new Row(connection.id));
      this.list.replaceChildren(...[...this.rows.values()].map((row) => row.element));
    }
    for (const connection of connections) this.rows.get(connection.id)?.update(connection, nowMs);
  }
}

class Row {
  readonly element: HTMLLIElement;
  private readonly title = h('h3');
  private readonly lastRun = h('dd');
  private readonly outcome = h('dd', { className: 'outcome' });
  private readonly nextDue = h('dd');
  private readonly failures = h('dd', { className: 'failures' });

  constructor(id: string) {
    const fact = (term: string, value: HTMLElement) => h('div', {}, h('dt', {}, term), value);
    this.element = h(
      'li',
      { className: 'health-row', 'data-connection': id },
      this.title,
      h(
        'dl',
        { className: 'facts' },
        fact('Last run', this.lastRun),
        fact('Outcome', this.outcome),
        fact('Next due', this.nextDue),
        fact('Failures in a row', this.failures),
      ),
    );
  }

  update(connection: ConnectionStatus, nowMs: number): void {
    const k = connection.keepAlive;
    setData(this.element, 'health', k.consecutiveFailures > 0 ? 'bad' : k.lastRunAt ? 'ok' : 'none');
    setText(this.title, connection.label);
    setText(
      this.lastRun,
      k.lastRunAt ? `${etTime(k.lastRunAt, nowMs)} (${relative(k.lastRunAt, nowMs)})` : 'Not run yet',
    );
    const why = k.lastOutcome === 'failed' ? errorWords(k.lastErrorCode) : undefined;
    const outcome = k.lastOutcome ? OUTCOME_WORDS[k.lastOutcome] : '—';
    setText(this.outcome, why ? `${outcome}: ${why}` : outcome);
    const due = k.nextDueAt === undefined ? undefined : Date.parse(k.nextDueAt);
    setText(
      this.nextDue,
      due === undefined
        ? 'Nothing to keep alive'
        : due <= nowMs
          ? `Now (due ${etTime(k.nextDueAt, nowMs)})`
          : `${etTime(k.nextDueAt, nowMs)} (${relative(k.nextDueAt, nowMs)})`,
    );
    setText(this.failures, String(k.consecutiveFailures));
  }
}

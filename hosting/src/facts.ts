import { h, setText } from './dom';
import { etTime, relative } from './format';
import { keepAliveSummary, nextKeepAlive } from './keepAliveWords';
import { needsRenewal } from './states';
import type { ConnectionStatus, TokenState } from './types';

/**
 * What is known about one connection's token, as a list of facts. Each connection's facts are shown
 * once: in the hero for the production token (whose countdowns already give its deadlines), on its
 * card for the others. A dead token has no deadlines and nothing to keep alive.
 */
export class ConnectionFacts {
  readonly element = h('dl', { className: 'facts' });
  private readonly lastUsed = h('dd');
  private readonly generation = h('dd', { className: 'generation' });
  private readonly keepAlive = h('dd', { className: 'keepalive' });
  private readonly next = h('dd', { className: 'next-keepalive' });
  private readonly expires = h('dd');
  private readonly idle = h('dd');
  private readonly live: HTMLElement[];

  constructor(options: { readonly deadlines: boolean }) {
    const fact = (term: string, value: HTMLElement) => h('div', {}, h('dt', {}, term), value);
    const keepAlive = [fact('Keep-alive', this.keepAlive), fact('Next keep-alive', this.next)];
    const deadlines = options.deadlines ? [fact('Expires', this.expires), fact('Goes idle', this.idle)] : [];
    this.live = [...keepAlive, ...deadlines];
    this.element.append(
      fact('Last used', this.lastUsed),
      fact('Generation', this.generation),
      ...deadlines,
      ...keepAlive,
    );
  }

  update(connection: ConnectionStatus, state: TokenState, nowMs: number): void {
    const live = !needsRenewal(state);
    for (const fact of this.live) fact.hidden = !live;
    setText(this.lastUsed, relative(connection.lastUsedAt, nowMs));
    setText(this.generation, String(connection.generation));
    setText(this.keepAlive, keepAliveSummary(connection, nowMs));
    setText(this.next, nextKeepAlive(connection, nowMs));
    setText(this.expires, etTime(connection.expiresAt, nowMs));
    setText(this.idle, state === 'active' || state === 'failing' ? etTime(connection.idleAt, nowMs) : '—');
  }
}

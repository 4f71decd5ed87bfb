import { h, setData, setText } from './dom';
import { etMonth, etTime, relative } from './format';
import { keepAliveSummary } from './keepAliveWords';
import { STATE_WORDS, needsRenewal, stateAt } from './states';
import type { ConnectionStatus } from './types';

/** One card per connection. Cards are built once and updated in place, so focus survives refreshes. */
export class ConnectionGrid {
  readonly element: HTMLElement;
  private readonly list = h('ul', { className: 'cards', role: 'list' });
  private readonly cards = new Map<string, Card>();

  constructor(private readonly onRenew: (connection: ConnectionStatus) => void) {
    this.element = h(
      'section',
      { className: 'section', id: 'connections', 'aria-labelledby': 'connections-title' },
      h('h2', { id: 'connections-title' }, 'Connections'),
      this.list,
    );
  }

  update(connections: readonly ConnectionStatus[], nowMs: number): void {
    const ids = connections.map((c) => c.id).join('\n');
    if (ids !== [...this.cards.keys()].join('\n')) {
      this.cards.clear();
      for (const connection of connections)
        this.cards.set(connection.id, new Card(connection.id, this.onRenew));
      this.list.replaceChildren(...[...this.cards.values()].map((card) => card.element));
    }
    for (const connection of connections) this.cards.get(connection.id)?.update(connection, nowMs);
  }
}

class Card {
  readonly element: HTMLLIElement;
  private readonly title = h('h3');
  private readonly pill = h('span', { className: 'pill' });
  private readonly note = h('p', { className: 'note' });
  private readonly lastUsed = h('dd');
  private readonly expires = h('dd');
  private readonly idle = h('dd');
  private readonly generation = h('dd');
  private readonly keepAlive = h('dd');
  private readonly keyWarning = h('p', { className: 'warn' });
  private readonly renew = h('button', { type: 'button' });
  private connection: ConnectionStatus | undefined;

  constructor(id: string, onRenew: (connection: ConnectionStatus) => void) {
    const fact = (term: string, value: HTMLElement) => h('div', {}, h('dt', {}, term), value);
    this.element = h(
      'li',
      { className: 'card', 'data-connection': id },
      h('div', { className: 'head' }, this.title, this.pill),
      this.note,
      h(
        'dl',
        { className: 'facts' },
        fact('Last used', this.lastUsed),
        fact('Expires', this.expires),
        fact('Goes idle', this.idle),
        fact('Generation', this.generation),
        fact('Keep-alive', this.keepAlive),
      ),
      this.keyWarning,
      this.renew,
    );
    this.generation.className = 'generation';
    this.renew.addEventListener('click', () => {
      if (this.connection) onRenew(this.connection);
    });
  }

  update(connection: ConnectionStatus, nowMs: number): void {
    this.connection = connection;
    const state = stateAt(connection, nowMs);
    const live = !needsRenewal(state);
    setData(this.element, 'state', state);
    setText(this.title, connection.label);
    setText(this.pill, STATE_WORDS[state].label);
    setText(this.note, STATE_WORDS[state].note);
    setText(this.lastUsed, relative(connection.lastUsedAt, nowMs));
    setText(this.expires, live ? etTime(connection.expiresAt, nowMs) : '—');
    setText(this.idle, state === 'active' || state === 'failing' ? etTime(connection.idleAt, nowMs) : '—');
    setText(this.generation, String(connection.generation));
    setText(this.keepAlive, keepAliveSummary(connection, nowMs));
    const key = connection.consumerKey;
    this.keyWarning.hidden = !key?.warn;
    if (key?.warn) {
      setText(
        this.keyWarning,
        `Consumer key is ${key.ageMonths} months old; E*TRADE lapses it around ${etMonth(key.lapsesAround)}.`,
      );
    }
    setText(this.renew, `Renew ${connection.label}`);
    // Secondary always: the hero's button is the page's one primary action.
    this.renew.className = 'button secondary';
  }
}

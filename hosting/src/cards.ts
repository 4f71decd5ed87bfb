import { h, setData, setText } from './dom';
import { ConnectionFacts } from './facts';
import { etMonth } from './format';
import { STATE_WORDS, stateAt } from './states';
import type { ConnectionStatus, TokenState } from './types';

/**
 * One card per connection besides the hero's (the hero shows that one, and nothing is said twice).
 * Cards are built once and updated in place, so focus survives refreshes.
 */
export class ConnectionGrid {
  readonly element: HTMLElement;
  private readonly list = h('ul', { className: 'cards', role: 'list' });
  private readonly cards = new Map<string, Card>();

  constructor(private readonly onRenew: (connection: ConnectionStatus) => void) {
    this.element = h(
      'section',
      { className: 'section', id: 'connections', 'aria-labelledby': 'connections-title' },
      h('h2', { id: 'connections-title' }, 'Other connections'),
      this.list,
    );
  }

  update(connections: readonly ConnectionStatus[], nowMs: number): void {
    this.element.hidden = connections.length === 0;
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
  private readonly facts = new ConnectionFacts({ deadlines: true });
  private readonly keyWarning = h('p', { className: 'warn' });
  private readonly renew = h('button', { type: 'button' });
  private connection: ConnectionStatus | undefined;

  constructor(id: string, onRenew: (connection: ConnectionStatus) => void) {
    this.element = h(
      'li',
      { className: 'card', 'data-connection': id },
      h('div', { className: 'head' }, this.title, this.pill),
      this.note,
      this.facts.element,
      this.keyWarning,
      this.renew,
    );
    this.renew.addEventListener('click', () => {
      if (this.connection) onRenew(this.connection);
    });
  }

  update(connection: ConnectionStatus, nowMs: number): void {
    this.connection = connection;
    const state = stateAt(connection, nowMs);
    setData(this.element, 'state', state);
    setText(this.title, connection.label);
    setText(this.pill, STATE_WORDS[state].label);
    // The pill names the state; a note only where there is something to do about it.
    const note = NOTE_STATES.has(state) ? STATE_WORDS[state].note : '';
    setText(this.note, note);
    this.note.hidden = note === '';
    this.facts.update(connection, state, nowMs);
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

const NOTE_STATES: ReadonlySet<TokenState> = new Set(['idle', 'failing', 'revoked']);

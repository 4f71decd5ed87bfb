import type { TokenPair } from '../oauth1/signer';

/**
 * The connection's current access token as the ledger names it. The pair sits in a private field
 * behind a getter, so `JSON.stringify(token)`, `console.log(token)` and object spreads show the
 * generation and version but never the token or its secret.
 */
export class CurrentToken {
  readonly #pair: TokenPair;

  constructor(
    readonly connectionId: string,
    readonly generation: number,
    /** The vault version holding the pair. */
    readonly secretVersion: string,
    pair: TokenPair,
  ) {
    this.#pair = Object.freeze({ token: pair.token, secret: pair.secret });
  }

  /** The token and its secret, for signing. Never log or print them. */
  get pair(): TokenPair {
    return this.#pair;
  }

  toJSON(): { connectionId: string; generation: number; secretVersion: string } {
    return {
      connectionId: this.connectionId,
      generation: this.generation,
      secretVersion: this.secretVersion,
    };
  }
}

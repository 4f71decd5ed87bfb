import { EtradeClient, type TokenPair } from '../etrade/client';
import { isEtradeError } from '../etrade/errors';
import { EtradeAccount, EtradeBalance } from '../etrade/types';
import { ETRADE_ERROR_RESPONSES } from '../http/errorMapping';

export interface PinFlowIo {
  print(line: string): void;
  /** Shows the user the authorize page and resolves to the PIN they read there; undefined: no more input. */
  readPin(authorizeUrl: string): Promise<string | undefined>;
}

/** E*TRADE keeps a request token for one login; a person gets this many codes at it. */
export const PIN_TRIES = 5;

export interface PinFlowResult {
  readonly accounts: readonly EtradeAccount[];
  readonly balances: readonly EtradeBalance[];
}

/**
 * The whole human step, end to end: request token → authorize page → PIN → access token, then
 * proves the token with accounts and balances and renews it. Prints no token or secret.
 */
export async function walkPinFlow(client: EtradeClient, io: PinFlowIo): Promise<PinFlowResult> {
  const requestToken = await client.getRequestToken();
  const authorizeUrl = client.authorizeUrl(requestToken.token);
  io.print(`1. Open this page, log in and copy the 5-character PIN:\n   ${authorizeUrl}`);
  const accessToken = await readAndExchangePin(client, requestToken, authorizeUrl, io);
  io.print('2. Access token received (valid until midnight US Eastern).');

  const accounts = await client.listAccounts(accessToken);
  io.print(`3. ${accounts.length} open account(s):`);
  const balances: EtradeBalance[] = [];
  for (const account of accounts) {
    const balance = await client.getBalance(accessToken, account.accountIdKey);
    balances.push(balance);
    io.print(
      `   ${account.accountId} ${account.accountDesc}: total ${formatMoney(balance.totalAccountValue)}`,
    );
  }
  await client.renewAccessToken(accessToken);
  io.print('4. Token renewed: it stays active for another 2 hours without calls.');
  return { accounts, balances };
}

/**
 * Asks again while the PIN was mistyped (malformed, or E*TRADE did not take it), saying how many
 * tries are left: a typo must not end the login. Anything else ends it.
 */
async function readAndExchangePin(
  client: EtradeClient,
  requestToken: TokenPair,
  authorizeUrl: string,
  io: PinFlowIo,
): Promise<TokenPair> {
  let lastError: unknown;
  for (let left = PIN_TRIES - 1; ; left--) {
    const pin = await io.readPin(authorizeUrl);
    if (pin === undefined) throw lastError ?? new TypeError('No PIN was entered (standard input ended)');
    try {
      return await client.getAccessToken(requestToken, pin);
    } catch (error) {
      lastError = error;
      const mistyped =
        isEtradeError(error, 'ERR_VERIFIER_REJECTED') || isEtradeError(error, 'ERR_INVALID_VERIFIER');
      if (!mistyped || left === 0) throw error;
      io.print(
        `   ${ETRADE_ERROR_RESPONSES[error.code].message} (${left} ${left === 1 ? 'try' : 'tries'} left)`,
      );
    }
  }
}

function formatMoney(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

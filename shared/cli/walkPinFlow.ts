import { EtradeClient } from '../etrade/client';
import { EtradeAccount, EtradeBalance } from '../etrade/types';

export interface PinFlowIo {
  print(line: string): void;
  /** Shows the user the authorize page and resolves to the PIN they read there. */
  readPin(authorizeUrl: string): Promise<string>;
}

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
  const pin = await io.readPin(authorizeUrl);
  const accessToken = await client.getAccessToken(requestToken, pin);
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

function formatMoney(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

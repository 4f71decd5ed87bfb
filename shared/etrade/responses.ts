import { TokenPair } from '../oauth1/signer';
import { EtradeError } from './errors';
import { EtradeAccount, EtradeBalance } from './types';

/**
 * Reads `oauth_token=…&oauth_token_secret=…`. Values are percent-decoded without turning `+` into
 * a space: tokens are base64, and a raw `+` in one is a plus.
 */
export function parseTokenPair(operation: string, body: string): TokenPair {
  const fields = new Map<string, string>();
  for (const part of body.trim().split('&')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    try {
      fields.set(part.slice(0, at), decodeURIComponent(part.slice(at + 1)));
    } catch {
      throw malformed(operation, 'a token field is not valid percent-encoding');
    }
  }
  const token = fields.get('oauth_token');
  const secret = fields.get('oauth_token_secret');
  if (!token || !secret) throw malformed(operation, 'oauth_token or oauth_token_secret is missing');
  return { token, secret };
}

export function parseAccountList(body: string): EtradeAccount[] {
  const root = parseJson('accounts_list', body) as {
    AccountListResponse?: { Accounts?: { Account?: unknown } };
  };
  const accounts = root.AccountListResponse?.Accounts?.Account;
  if (accounts === undefined)
    throw malformed('accounts_list', 'AccountListResponse.Accounts.Account is missing');
  // E*TRADE's JSON renders a one-element list as a bare object.
  const list = Array.isArray(accounts) ? accounts : [accounts];
  return list.map((raw: Record<string, unknown>) => ({
    accountId: String(raw.accountId ?? ''),
    accountIdKey: String(raw.accountIdKey ?? ''),
    accountDesc: String(raw.accountDesc ?? ''),
    institutionType: String(raw.institutionType ?? ''),
    accountStatus: String(raw.accountStatus ?? ''),
  }));
}

export function parseBalance(body: string): EtradeBalance {
  type Computed = { RealTimeValues?: Record<string, unknown> } & Record<string, unknown>;
  const root = parseJson('balance', body) as {
    BalanceResponse?: { accountId?: unknown; Computed?: Computed };
  };
  const balance = root.BalanceResponse;
  if (!balance) throw malformed('balance', 'BalanceResponse is missing');
  const computed = balance.Computed ?? {};
  const realTime = computed.RealTimeValues ?? {};
  return {
    accountId: String(balance.accountId ?? ''),
    totalAccountValue: numberOrUndefined(realTime.totalAccountValue),
    cashBuyingPower: numberOrUndefined(computed.cashBuyingPower ?? realTime.cashBuyingPower),
    marginBuyingPower: numberOrUndefined(computed.marginBuyingPower ?? realTime.marginBuyingPower),
  };
}

function parseJson(operation: string, body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw malformed(operation, 'the answer is not JSON');
  }
}

function numberOrUndefined(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

function malformed(operation: string, why: string): EtradeError {
  return new EtradeError('ERR_UNKNOWN', `${operation}: unexpected answer from E*TRADE (${why})`, {
    operation,
  });
}

import { Reply, escapeHtml, jsonReply } from './responses';

/** Fixed sample accounts: two active brokerage accounts and a closed one clients must skip. */
export const SAMPLE_ACCOUNTS = [
  {
    accountId: '84010429',
    accountIdKey: 'JIdOIAcSpwR1Jva7RQBraQ',
    accountMode: 'MARGIN',
    accountDesc: 'Brokerage',
    accountName: 'Trading',
    accountType: 'INDIVIDUAL',
    institutionType: 'BROKERAGE',
    accountStatus: 'ACTIVE',
  },
  {
    accountId: '84010430',
    accountIdKey: 'vQMsD1M5dnZ8XbS_eRm_bQ',
    accountMode: 'CASH',
    accountDesc: 'Roth IRA',
    accountName: 'Retirement',
    accountType: 'ROTHIRA',
    institutionType: 'BROKERAGE',
    accountStatus: 'ACTIVE',
  },
  {
    accountId: '84010431',
    accountIdKey: '6_Dpy0rmuQ9cu9IbTfvF2A',
    accountMode: 'CASH',
    accountDesc: 'Old account',
    accountName: '',
    accountType: 'INDIVIDUAL',
    institutionType: 'BROKERAGE',
    accountStatus: 'CLOSED',
  },
] as const;

const BALANCES: Readonly<Record<string, { total: number; cash: number; margin: number }>> = {
  JIdOIAcSpwR1Jva7RQBraQ: { total: 152_340.17, cash: 20_480.5, margin: 40_961 },
  vQMsD1M5dnZ8XbS_eRm_bQ: { total: 61_002.9, cash: 3_120.45, margin: 3_120.45 },
  '6_Dpy0rmuQ9cu9IbTfvF2A': { total: 0, cash: 0, margin: 0 },
};

export function accountList(): unknown {
  return { AccountListResponse: { Accounts: { Account: SAMPLE_ACCOUNTS } } };
}

/** The balance E*TRADE returns, with buying power under `Computed` where E*TRADE puts it. */
export function accountBalance(accountIdKey: string): unknown | undefined {
  const account = SAMPLE_ACCOUNTS.find((candidate) => candidate.accountIdKey === accountIdKey);
  const balance = BALANCES[accountIdKey];
  if (account === undefined || balance === undefined) return undefined;
  return {
    BalanceResponse: {
      accountId: account.accountId,
      accountType: account.accountType,
      accountDescription: account.accountDesc,
      accountMode: account.accountMode,
      Computed: {
        cashBuyingPower: balance.cash,
        marginBuyingPower: balance.margin,
        cashAvailableForInvestment: balance.cash,
        RealTimeValues: {
          totalAccountValue: balance.total,
          netMv: round2(balance.total - balance.cash),
          netMvLong: round2(balance.total - balance.cash),
        },
      },
    },
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** JSON when asked by `Accept` or a `.json` suffix, otherwise E*TRADE's default, XML. */
export function dataReply(value: unknown, wantsJson: boolean): Reply {
  if (wantsJson) return jsonReply(200, value);
  return {
    status: 200,
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${toXml(value)}`,
  };
}

/** Objects become elements, arrays repeat their parent's element name, as E*TRADE's XML does. */
function toXml(value: unknown, name?: string): string {
  if (Array.isArray(value)) return value.map((item) => toXml(item, name)).join('');
  if (value !== null && typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([key, child]) => toXml(child, key))
      .join('');
    return name === undefined ? inner : `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeHtml(String(value))}</${name}>`;
}

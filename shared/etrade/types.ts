/** The fields of E*TRADE's account list this project reads (AccountListResponse.Accounts.Account[]). */
export interface EtradeAccount {
  readonly accountId: string;
  readonly accountIdKey: string;
  readonly accountDesc: string;
  readonly institutionType: string;
  readonly accountStatus: string;
}

/** BalanceResponse.Computed: the figures a trader checks before the open. */
export interface EtradeBalance {
  readonly accountId: string;
  readonly totalAccountValue?: number;
  readonly cashBuyingPower?: number;
  readonly marginBuyingPower?: number;
}

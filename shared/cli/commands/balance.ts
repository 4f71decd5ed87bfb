import { type Command, tokenOperations } from '../command';
import { money } from '../format';

/** `balance <connection> [accountIdKey]` (local mode): one account's balance, or every open account's. */
export const balance: Command = async (ctx) => {
  const [connectionId, accountIdKey] = ctx.invocation.args;
  const tokens = tokenOperations(await ctx.backend(), 'balance');
  const answer = await ctx.wait('Reading balances…', () => tokens.balances(connectionId, accountIdKey));
  const human = [`${answer.connectionId} (generation ${answer.generation})`];
  for (const b of answer.balances) {
    const name = [b.accountId, b.accountDesc].filter(Boolean).join(' ');
    human.push(
      `  ${name}: total ${money(b.totalAccountValue)} · cash buying power ${money(b.cashBuyingPower)}` +
        ` · margin buying power ${money(b.marginBuyingPower)}`,
    );
  }
  return { data: answer, human };
};

import { type Command, tokenOperations } from '../command';
import { column } from '../format';

/** `accounts <connection>` (local mode): the open accounts, listed with the stored token. */
export const accounts: Command = async (ctx) => {
  const [connectionId] = ctx.invocation.args;
  const tokens = tokenOperations(await ctx.backend(), 'accounts');
  const answer = await ctx.wait('Listing accounts…', () => tokens.accounts(connectionId));
  const human = [
    `${answer.connectionId} (generation ${answer.generation}): ${answer.accounts.length} open account(s)`,
  ];
  for (const account of answer.accounts) {
    human.push(
      `  ${column(account.accountId, 12)}${column(account.accountDesc, 24)}` +
        `${column(account.institutionType, 12)}${ctx.style.dim(`key ${account.accountIdKey}`)}`,
    );
  }
  return { data: answer, human };
};

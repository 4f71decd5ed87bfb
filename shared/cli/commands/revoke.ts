import { type Command, tokenOperations } from '../command';
import { etWhen } from '../format';

const WORDS = {
  revoked: 'revoked at E*TRADE',
  'already-dead': 'already dead at E*TRADE; recorded as revoked',
  'already-revoked': 'was already revoked',
} as const;

/** `revoke <connection>` (local mode): the token can never be used again; a new one needs a login. */
export const revoke: Command = async (ctx) => {
  const [connectionId] = ctx.invocation.args;
  const tokens = tokenOperations(await ctx.backend(), 'revoke');
  const answer = await ctx.wait('Revoking…', () => tokens.revoke(connectionId));
  const now = ctx.clock.now();
  return {
    data: answer,
    human: [
      `${answer.connectionId} generation ${answer.generation}: ${WORDS[answer.outcome]} (${etWhen(answer.revokedAt, now)}).`,
      `A new token needs a login: etrade-oauth login ${answer.connectionId}`,
    ],
  };
};

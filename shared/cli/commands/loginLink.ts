import type { Command } from '../command';

/**
 * `login-link`: a single-use sign-in link for the token page. Remote: the API sends it to the
 * configured chat and tells the caller nothing more. Local: printed (the data directory holds the
 * key that signs it anyway).
 */
export const loginLink: Command = async (ctx) => {
  const backend = await ctx.backend();
  const answer = await ctx.wait('Asking for a sign-in link…', () => backend.loginLink());
  const human =
    answer.delivery === 'chat'
      ? [answer.message]
      : [
          'Sign in to the token page (single use, 30 minutes; the page must be served, e.g. by npm start):',
          `  ${answer.url}`,
        ];
  return { data: answer, human };
};

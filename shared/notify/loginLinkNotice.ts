import type { Notice } from '../ports/notifier';

/** A sign-in link the trader asked for (POST /login-link, or /login in the Telegram chat). */
export function loginLinkNotice(url: string): Notice {
  return {
    kind: 'login.link',
    title: 'Sign in to the E*TRADE token page',
    lines: ['This link works once, for 30 minutes.'],
    link: { text: 'Open the token page', url },
  };
}

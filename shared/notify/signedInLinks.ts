import type { Notice, Notifier } from '../ports/notifier';

/**
 * Every alert carries a way in: a notice without a link, or with a bare link to the page, gets a
 * fresh single-use sign-in link instead, so the trader lands signed in. If the link cannot be made
 * the notice still goes out as it was — an alert without a link beats no alert.
 */
export function withSignInLinks(
  inner: Notifier,
  pageUrl: string,
  signInLink: () => Promise<string>,
): Notifier {
  return {
    send: async (notice: Notice) => {
      if (notice.link && notice.link.url !== pageUrl) return inner.send(notice);
      let url: string;
      try {
        url = await signInLink();
      } catch {
        return inner.send(notice);
      }
      return inner.send({ ...notice, link: { text: notice.link?.text ?? 'Open the token page', url } });
    },
  };
}

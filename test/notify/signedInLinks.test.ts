import { withSignInLinks } from '../../shared/notify/signedInLinks';
import type { Notice, NoticeDelivery, Notifier } from '../../shared/ports/notifier';
import { RecordingNotifier } from '../support/recordingNotifier';

const PAGE = 'https://tokens.example.com';
const notice = (link?: Notice['link']): Notice => ({
  kind: 'keepalive.warning',
  title: 't',
  lines: [],
  link,
});

describe('withSignInLinks', () => {
  it('gives a notice without a link, or with a bare page link, a fresh sign-in link', async () => {
    const inner = new RecordingNotifier();
    let made = 0;
    const notifier = withSignInLinks(inner, PAGE, async () => `${PAGE}/login?t=${++made}`);
    await notifier.send(notice());
    await notifier.send(notice({ text: 'Check the token', url: PAGE }));
    expect(inner.notices.map((n) => n.link)).toEqual([
      { text: 'Open the token page', url: `${PAGE}/login?t=1` },
      { text: 'Check the token', url: `${PAGE}/login?t=2` },
    ]);
  });

  it('keeps a link that already goes somewhere else (e.g. a sign-in link)', async () => {
    const inner = new RecordingNotifier();
    const notifier = withSignInLinks(inner, PAGE, async () => 'unused');
    await notifier.send(notice({ text: 'Renew', url: `${PAGE}/login?t=abc` }));
    expect(inner.notices[0].link?.url).toBe(`${PAGE}/login?t=abc`);
  });

  it('still sends the alert when no link can be made', async () => {
    const inner = new RecordingNotifier();
    const notifier = withSignInLinks(inner, PAGE, async () => Promise.reject(new Error('key missing')));
    await notifier.send(notice());
    expect(inner.notices).toEqual([notice()]);
  });
  it('hands back what the inner notifier reported (the fan-out’s delivery counts)', async () => {
    const reported: NoticeDelivery = { delivered: 0, failed: 2 };
    const inner: Notifier = { send: async () => reported };
    expect(await withSignInLinks(inner, PAGE, async () => `${PAGE}/login?t=1`).send(notice())).toBe(reported);
    const failing = withSignInLinks(inner, PAGE, async () => Promise.reject(new Error('key missing')));
    expect(await failing.send(notice())).toBe(reported);
    expect(
      await withSignInLinks(inner, PAGE, async () => 'unused').send(
        notice({ text: 'x', url: 'https://elsewhere.example' }),
      ),
    ).toBe(reported);
  });
});

import { NOTICE_KINDS, type Notice } from '../../shared/ports/notifier';
import type { NoticeOutbox } from '../../shared/ports/noticeOutbox';
import { SIGN_IN_URL, sampleNotices } from '../support/sampleNotices';

export interface NoticeOutboxHarness {
  readonly outbox: NoticeOutbox;
  /**
   * The notices that reached the chat channels since the last call, in the order the deliverer took
   * them (for a queue: after it has been drained through the `notices` function's use case).
   */
  delivered(count: number): Promise<Notice[]>;
  cleanup(): Promise<void>;
}

/**
 * What the chat must get for `posted`: the notice as written, its action included (the channels
 * turn it into their own links), without any link or button it was handed.
 */
function expected(posted: Notice): Notice {
  const { link, buttons, ...rest } = posted;
  void link;
  void buttons;
  return rest;
}

/**
 * The behaviour every NoticeOutbox adapter must share, run unchanged against each: what is posted
 * reaches the chat as written (whoever delivers it), and never with a link it was handed.
 */
export function noticeOutboxContract(name: string, make: () => Promise<NoticeOutboxHarness>): void {
  describe(`NoticeOutbox contract: ${name}`, () => {
    let harness: NoticeOutboxHarness;

    beforeAll(async () => {
      harness = await make();
    });
    afterAll(() => harness?.cleanup());

    it('delivers a notice of every kind as it was posted, its action and footer included', async () => {
      const samples = sampleNotices();
      const posted = NOTICE_KINDS.map((kind) => samples[kind]);
      expect(posted.some((notice) => notice.action?.kind === 'renew')).toBe(true);
      for (const notice of posted) await harness.outbox.post(notice);

      const delivered = await harness.delivered(posted.length);
      const byKind = new Map(delivered.map((notice) => [notice.kind, notice]));
      expect(byKind.size).toBe(posted.length);
      for (const notice of posted) expect(byKind.get(notice.kind)).toEqual(expected(notice));
    });

    it('never passes on a link it was handed: links are made by the channels on delivery', async () => {
      const notice: Notice = {
        kind: 'renewal.succeeded',
        connectionId: 'prod',
        title: 'Live: token renewed',
        lines: ['Valid until midnight ET tonight.'],
        link: { text: 'Open', url: SIGN_IN_URL },
        buttons: [{ text: 'Open', url: SIGN_IN_URL }],
      };
      await harness.outbox.post(notice);

      const [delivered] = await harness.delivered(1);
      expect(JSON.stringify(delivered)).not.toContain(SIGN_IN_URL);
      expect(delivered).toEqual(expected(notice));
    });

    it('refuses a malformed notice at post, naming the field, and delivers nothing for it', async () => {
      const malformed = { kind: 'renewal.succeeded', title: '', lines: [] } as Notice;
      await expect(harness.outbox.post(malformed)).rejects.toThrow(
        expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('notice.title') }),
      );
      const badAction = {
        kind: 'token.expired',
        title: 'Live: token expired',
        lines: [],
        action: { kind: 'renew', targets: [], until: new Date() },
      } as Notice;
      await expect(harness.outbox.post(badAction)).rejects.toThrow(
        expect.objectContaining({ message: expect.stringContaining('notice.action.targets') }),
      );

      const valid: Notice = { kind: 'login.link', title: 'Sign in', lines: [] };
      await harness.outbox.post(valid);
      expect(await harness.delivered(1)).toEqual([expected(valid)]);
    });
  });
}

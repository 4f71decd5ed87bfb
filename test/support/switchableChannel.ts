import { ChannelError } from '../../shared/notify/errors';
import type { Notice, Notifier } from '../../shared/ports/notifier';
import { RecordingNotifier } from './recordingNotifier';

/**
 * A stand-in chat channel for the fan-out: while `down` it refuses every notice the way the Telegram
 * adapter reports a Bot API 502 (a ChannelError); otherwise it keeps each notice in `received`.
 */
export class SwitchableChannel implements Notifier {
  down = false;
  readonly received = new RecordingNotifier();

  async send(notice: Notice): Promise<void> {
    if (this.down) throw new ChannelError('ERR_CHANNEL_UNAVAILABLE', 'telegram', { status: 502 });
    await this.received.send(notice);
  }
}

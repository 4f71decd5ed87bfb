import { BotApiServer } from './botApiServer';

const TOKEN = '7000000001:fake-bot-token-for-the-fake-itself';
const CHAT = -1001234567890;

/** The fake's own shapes and refusals, called as raw HTTP the way any Bot API client would. */
describe('the local Bot API server', () => {
  let bot: BotApiServer;
  beforeEach(async () => {
    bot = await new BotApiServer({ tokens: [TOKEN], chats: [CHAT] }).start();
  });
  afterEach(() => bot.close());

  const api = async (method: string, body: unknown) => {
    const response = await fetch(`${bot.url}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const button = { text: 'Open', url: 'https://tokens.example.com/x' };

  it('editMessageReplyMarkup replaces or removes the keyboard; the same keyboard again is "not modified"', async () => {
    const sent = await api('sendMessage', {
      chat_id: CHAT,
      text: 'hi',
      reply_markup: { inline_keyboard: [[button]] },
    });
    const id = (sent.body.result as { message_id: number }).message_id;
    expect(await api('editMessageReplyMarkup', { chat_id: CHAT, message_id: id })).toMatchObject({
      status: 200,
      body: { ok: true, result: { message_id: id, text: 'hi' } },
    });
    expect(bot.message(CHAT, id)).toMatchObject({ buttons: [], edits: 1 });
    expect(await api('editMessageReplyMarkup', { chat_id: CHAT, message_id: id })).toEqual({
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description:
          'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      },
    });
    expect(
      await api('editMessageReplyMarkup', {
        chat_id: CHAT,
        message_id: id,
        reply_markup: { inline_keyboard: [[button]] },
      }),
    ).toMatchObject({ status: 200, body: { result: { reply_markup: { inline_keyboard: [[button]] } } } });
  });

  it('refuses a loopback or dotless button URL as Telegram does, and a message id it does not know', async () => {
    for (const url of ['http://127.0.0.1:8080/renew?t=x', 'http://localhost/x', 'http://intranet/x']) {
      expect(
        await api('sendMessage', {
          chat_id: CHAT,
          text: 'x',
          reply_markup: { inline_keyboard: [[{ text: 'x', url }]] },
        }),
      ).toEqual({
        status: 400,
        body: {
          ok: false,
          error_code: 400,
          description: `Bad Request: inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`,
        },
      });
    }
    expect(await api('deleteMessage', { chat_id: CHAT, message_id: 99 })).toMatchObject({
      body: { description: 'Bad Request: message to delete not found' },
    });
    expect(await api('editMessageText', { chat_id: CHAT, message_id: 99, text: 'x' })).toMatchObject({
      body: { description: 'Bad Request: message to edit not found' },
    });
    expect(bot.chat(CHAT)).toEqual([]);
  });
});

import { ConfigError, loadConfig } from '../../shared/config';

function issues(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('accepted');
}

describe('chat channel settings', () => {
  it('defaults: no Telegram chat, Telegram’s own Bot API, Slack off', () => {
    expect(loadConfig({})).toMatchObject({
      telegramApiRoot: 'https://api.telegram.org',
      slackEnabled: false,
    });
    expect(loadConfig({})).not.toHaveProperty('telegramChatId');
  });

  it.each([['123456789'], ['-1001234567890'], ['-42']])('TELEGRAM_CHAT_ID %s is a chat id', (id) => {
    expect(loadConfig({ TELEGRAM_CHAT_ID: id }).telegramChatId).toBe(id);
  });

  it.each([['@channel'], ['12.5'], [' 123'], ['0'], ['-'], ['1e9'], ['12345678901234567'], ['']])(
    'TELEGRAM_CHAT_ID %j is refused, naming the field',
    (id) => {
      expect(issues({ TELEGRAM_CHAT_ID: id })).toEqual([
        `TELEGRAM_CHAT_ID: expected a numeric Telegram chat id (negative for groups and channels), got ${JSON.stringify(id)}`,
      ]);
    },
  );

  it('TELEGRAM_ALLOWED_USER_IDS: user ids separated by commas; empty or unset means anyone in the chat', () => {
    expect(loadConfig({ TELEGRAM_ALLOWED_USER_IDS: '42, 77 ,1234567890' }).telegramAllowedUserIds).toEqual([
      '42',
      '77',
      '1234567890',
    ]);
    expect(loadConfig({ TELEGRAM_ALLOWED_USER_IDS: '' }).telegramAllowedUserIds).toBeUndefined();
    expect(loadConfig({}).telegramAllowedUserIds).toBeUndefined();
    for (const bad of ['-42', '42,,77', 'me', '42;77']) {
      expect(issues({ TELEGRAM_ALLOWED_USER_IDS: bad })).toEqual([
        `TELEGRAM_ALLOWED_USER_IDS: expected Telegram user ids (positive numbers) separated by commas, or unset, got ${JSON.stringify(bad)}`,
      ]);
    }
  });

  it('TELEGRAM_API_ROOT takes any http(s) base URL, trailing slashes dropped', () => {
    expect(loadConfig({ TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' }).telegramApiRoot).toBe(
      'http://127.0.0.1:8081',
    );
    expect(loadConfig({ TELEGRAM_API_ROOT: 'https://bots.example.com/tg' }).telegramApiRoot).toBe(
      'https://bots.example.com/tg',
    );
  });

  it.each([['ftp://api.telegram.org'], ['api.telegram.org'], ['https://api.telegram.org/?x=1']])(
    'TELEGRAM_API_ROOT %s is refused',
    (root) => {
      expect(issues({ TELEGRAM_API_ROOT: root })[0]).toMatch(
        /^TELEGRAM_API_ROOT: expected an absolute http\(s\) URL/,
      );
    },
  );

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
  ])('SLACK_ENABLED=%s → %s', (value, enabled) => {
    expect(loadConfig({ SLACK_ENABLED: value }).slackEnabled).toBe(enabled);
  });

  it('SLACK_ENABLED=yes is refused, and every bad setting is reported at once', () => {
    expect(issues({ SLACK_ENABLED: 'yes', TELEGRAM_CHAT_ID: 'me' })).toEqual([
      'TELEGRAM_CHAT_ID: expected a numeric Telegram chat id (negative for groups and channels), got "me"',
      'SLACK_ENABLED: expected "1" | "true" | "0" | "false" or unset, got "yes"',
    ]);
  });
});

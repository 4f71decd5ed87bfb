import { http } from '@google-cloud/functions-framework';
import { httpFunction } from '../shared/api/register';
import { telegramRoutes } from '../shared/api/telegramRoutes';

/** Telegram's webhook: /status and /login from the configured chat, answered in that chat. */
http('telegramWebhook', httpFunction(telegramRoutes, { maxBodyBytes: 64 * 1024 }));

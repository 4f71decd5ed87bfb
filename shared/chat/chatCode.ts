import type { AppContext } from '../app/context';
import { chatFlowOwner } from '../auth/renewLinks';
import { normaliseVerifier } from '../etrade/verifier';
import { exchangePin, MAX_PIN_ATTEMPTS } from '../pinflow/exchangePin';
import type { FlowSummary } from '../ports/tokenLedger';

type Ctx = Pick<
  AppContext,
  'config' | 'clock' | 'ledger' | 'vault' | 'events' | 'notifier' | 'outbox' | 'etrade' | 'log'
>;

/** What became of a code pasted into the chat. */
export type ChatCodeOutcome =
  | { readonly kind: 'renewed'; readonly connectionId: string; readonly waiting: readonly FlowSummary[] }
  | {
      readonly kind: 'rejected';
      readonly tried: readonly { readonly connectionId: string; readonly attemptsLeft: number }[];
    }
  | { readonly kind: 'expired'; readonly connectionIds: readonly string[] }
  | { readonly kind: 'no-login' }
  | { readonly kind: 'not-a-code' }
  /** Anything else (E*TRADE or the store failed): exchangePin's renewal.failed notice told the chat. */
  | { readonly kind: 'failed'; readonly code: string };

/** A flow the code may still be for: inside its 5 minutes, with tries left. */
function isOpen(flow: FlowSummary, now: Date): boolean {
  return now.getTime() < flow.expiresAt.getTime() && flow.attempts < MAX_PIN_ATTEMPTS;
}

/**
 * A code the trader pasted into the configured chat, matched to that chat's open PIN flows (the ones
 * its buttons started) and exchanged by the same use case the page uses. With several logins waiting
 * (two connections), the newest is tried first (the trader most likely just logged in there), then
 * the others, so one paste renews whichever the code belongs to and the answer says which; a wrong
 * code costs a try on each. `connectionId` (from `/pin CODE prod`) limits it to one connection.
 */
export async function exchangeChatCode(
  ctx: Ctx,
  input: {
    readonly chatId: string;
    readonly code: string;
    readonly connectionId?: string;
    /**
     * Called once the message is known to be a code for this chat's logins (one waits, or just
     * closed), before anything else: the chat deletes it first, so the code leaves it at once.
     */
    readonly taken?: () => Promise<void>;
  },
): Promise<ChatCodeOutcome> {
  let pin: string;
  try {
    pin = normaliseVerifier(input.code);
  } catch {
    return { kind: 'not-a-code' };
  }
  const owner = chatFlowOwner(input.chatId);
  const now = ctx.clock.now();
  const flows = (await ctx.ledger.flowsOf(owner)).filter(
    (flow) => input.connectionId === undefined || flow.connectionId === input.connectionId,
  );
  if (flows.length > 0) await input.taken?.();
  const open = flows.filter((flow) => isOpen(flow, now)).reverse();
  if (open.length === 0) return closedOutcome(flows, now);

  const tried: { connectionId: string; attemptsLeft: number }[] = [];
  for (const flow of open) {
    try {
      const result = await exchangePin(ctx, { flowId: flow.id, pin, session: owner });
      // Other logins for the same connection are moot now; the other connections' still wait.
      for (const other of open) {
        if (other.id !== flow.id && other.connectionId === flow.connectionId) {
          await ctx.ledger.deleteFlow(other.id).catch(() => undefined);
        }
      }
      const waiting = open.filter((other) => other.connectionId !== flow.connectionId);
      return { kind: 'renewed', connectionId: result.connectionId, waiting };
    } catch (error) {
      const code = codeOf(error);
      if (code === 'ERR_VERIFIER_REJECTED') {
        tried.push({ connectionId: flow.connectionId, attemptsLeft: attemptsLeft(error, flow) });
        continue;
      }
      // Expired, used up or finished by a concurrent message since the listing: try the next one.
      if (code.startsWith('ERR_FLOW_')) continue;
      return { kind: 'failed', code };
    }
  }
  return tried.length > 0 ? { kind: 'rejected', tried } : closedOutcome(flows, ctx.clock.now());
}

/** No open login: one whose window closed (newest per connection), one out of tries, or none at all. */
function closedOutcome(flows: readonly FlowSummary[], now: Date): ChatCodeOutcome {
  const expired = unique(flows.filter((flow) => now.getTime() >= flow.expiresAt.getTime()));
  if (expired.length > 0) return { kind: 'expired', connectionIds: expired };
  const spent = unique(flows.filter((flow) => flow.attempts >= MAX_PIN_ATTEMPTS));
  if (spent.length > 0) {
    return { kind: 'rejected', tried: spent.map((connectionId) => ({ connectionId, attemptsLeft: 0 })) };
  }
  return { kind: 'no-login' };
}

function unique(flows: readonly FlowSummary[]): string[] {
  return [...new Set(flows.map((flow) => flow.connectionId))];
}

/**
 * Tries left after a wrong code: the error's own count when it carries one (`details.attemptsLeft`),
 * else worked out from the listing (this try counted).
 */
function attemptsLeft(error: unknown, flow: FlowSummary): number {
  const told = (error as { details?: { attemptsLeft?: unknown } }).details?.attemptsLeft;
  if (typeof told === 'number' && Number.isInteger(told) && told >= 0) return told;
  return Math.max(0, MAX_PIN_ATTEMPTS - (flow.attempts + 1));
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^ERR_[A-Z0-9_]{1,40}$/.test(code) ? code : 'ERR_INTERNAL';
}

import { runMorningEscalation } from './escalation';
import { runMorningAlert } from './morningAlert';
import type { MorningAlertOptions, MorningAlertResult, MorningCtx } from './tradingMorning';

/**
 * The two runs on the morning topic, told apart by the payload's `stage`: Cloud Scheduler publishes
 * `{}` (or `{"stage":"reminder"}`) at 08:30 ET and `{"stage":"escalation"}` at 09:15 ET.
 */
export const MORNING_STAGES = ['reminder', 'escalation'] as const;
export type MorningStage = (typeof MORNING_STAGES)[number];

/** `stage` from an untrusted payload: absent means the reminder; anything unknown is undefined. */
export function readMorningStage(payload: Readonly<Record<string, unknown>>): MorningStage | undefined {
  const stage = payload.stage ?? 'reminder';
  return (MORNING_STAGES as readonly unknown[]).includes(stage) ? (stage as MorningStage) : undefined;
}

export function runMorningStage(
  ctx: MorningCtx,
  stage: MorningStage,
  options: MorningAlertOptions = {},
): Promise<MorningAlertResult> {
  return stage === 'escalation' ? runMorningEscalation(ctx, options) : runMorningAlert(ctx, options);
}

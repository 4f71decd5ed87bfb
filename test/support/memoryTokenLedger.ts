import { RecordWrites } from '../../shared/ledger/recordWrites';
import {
  assertChatAlert,
  assertMarkerHolder,
  byCreation,
  bySending,
  chatAlertKey,
  claimAttempt,
  emptyRecord,
  flowSummary,
  markerHeldBy,
  markerIsLive,
} from '../../shared/ledger/transitions';
import type {
  ChatAlert,
  FlowClaim,
  FlowSummary,
  PendingFlow,
  TokenLedger,
  TokenRecord,
} from '../../shared/ports/tokenLedger';

/**
 * The TokenLedger in memory, on the same pure transitions as the file and Firestore adapters, for
 * tests that replay years of days and would otherwise spend their time in fsync. Each method runs
 * synchronously inside its promise, so concurrent callers see one another's writes in order.
 */
export class MemoryTokenLedger extends RecordWrites implements TokenLedger {
  readonly records = new Map<string, TokenRecord>();
  readonly flows = new Map<string, PendingFlow>();
  readonly markers = new Map<string, { at: Date; expiresAt: Date; holder?: string }>();
  readonly chatAlerts = new Map<string, ChatAlert>();

  async get(connectionId: string): Promise<TokenRecord> {
    return this.records.get(connectionId) ?? emptyRecord(connectionId);
  }

  async getMany(connectionIds: readonly string[]): Promise<TokenRecord[]> {
    return connectionIds.map((id) => this.records.get(id) ?? emptyRecord(id));
  }

  async createFlow(flow: PendingFlow): Promise<void> {
    if (this.flows.has(flow.id)) throw new Error(`a pending PIN flow with id ${flow.id} already exists`);
    this.flows.set(flow.id, flow);
  }

  async claimFlowAttempt(
    flowId: string,
    ownerSession: string,
    now: Date,
    maxAttempts: number,
  ): Promise<FlowClaim> {
    const { claim, updated } = claimAttempt(this.flows.get(flowId), ownerSession, now, maxAttempts);
    if (updated) this.flows.set(flowId, updated);
    return claim;
  }

  async deleteFlow(flowId: string): Promise<void> {
    this.flows.delete(flowId);
  }

  async flowsOf(ownerSession: string): Promise<FlowSummary[]> {
    return [...this.flows.values()]
      .filter((flow) => flow.ownerSession === ownerSession)
      .sort(byCreation)
      .map(flowSummary);
  }

  async recordChatAlert(alert: ChatAlert): Promise<void> {
    assertChatAlert(alert);
    this.chatAlerts.set(chatAlertKey(alert.chatId, alert.messageId), {
      ...alert,
      connectionIds: [...alert.connectionIds],
    });
  }

  async chatAlertsAbout(chatId: string, connectionId: string, now: Date): Promise<ChatAlert[]> {
    return [...this.chatAlerts.values()]
      .filter((a) => a.chatId === chatId && a.connectionIds.includes(connectionId))
      .filter((a) => a.expiresAt.getTime() > now.getTime())
      .sort(bySending);
  }

  async forgetChatAlert(chatId: string, messageId: number): Promise<void> {
    this.chatAlerts.delete(chatAlertKey(chatId, messageId));
  }

  async claimMarker(key: string, at: Date, expiresAt: Date, holder?: string): Promise<boolean> {
    if (holder !== undefined) assertMarkerHolder(holder);
    if (markerIsLive(this.markers.get(key), at)) return false;
    this.markers.set(key, holder === undefined ? { at, expiresAt } : { at, expiresAt, holder });
    return true;
  }

  async releaseMarker(key: string, holder: string): Promise<boolean> {
    if (!markerHeldBy(this.markers.get(key), holder)) return false;
    this.markers.delete(key);
    return true;
  }

  protected async updateRecord<R extends { readonly record: TokenRecord }>(
    connectionId: string,
    decide: (current: TokenRecord) => R,
  ): Promise<R> {
    const result = decide(this.records.get(connectionId) ?? emptyRecord(connectionId));
    this.records.set(connectionId, result.record);
    return result;
  }
}

import { RecordWrites } from '../../ledger/recordWrites';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

import {
  assertChatAlert,
  assertMarkerHolder,
  byCreation,
  bySending,
  chatAlertKey,
  claimAttempt,
  emptyRecord,
  flowKeptUntil,
  flowSummary,
  markerHeldBy,
  markerIsLive,
} from '../../ledger/transitions';
import {
  decodeChatAlert,
  decodeFlow,
  decodeRecord,
  encodeChatAlert,
  encodeFlow,
  encodeRecord,
  type InstantCodec,
  type StoredFields,
} from '../../ledger/storedForm';
import { systemClock, type Clock } from '../../ports/clock';
import type {
  ChatAlert,
  FlowClaim,
  FlowSummary,
  PendingFlow,
  TokenLedger,
  TokenRecord,
} from '../../ports/tokenLedger';
import { assertInstant } from '../../time/calendarDate';
import { AsyncMutex, writeFileAtomic } from './atomicFile';

interface Marker {
  readonly at: Date;
  readonly expiresAt: Date;
  /** The claim that made it (see TokenLedger.claimMarker); absent: never released. */
  readonly holder?: string;
}

/** The whole ledger in memory; Maps so an id like `__proto__` is just a key. */
interface LedgerState {
  readonly connections: Map<string, TokenRecord>;
  readonly flows: Map<string, PendingFlow>;
  readonly markers: Map<string, Marker>;
  readonly chatAlerts: Map<string, ChatAlert>;
}

/** One caller's change, waiting for the next group commit. */
interface QueuedWrite {
  readonly mutate: (state: LedgerState) => { result: unknown; changed: boolean };
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The TokenLedger in one JSON file, for running the system on one machine. Writes are serialised by an
 * in-process queue and replace the file atomically, so a crash leaves the old or the new ledger, never
 * half of one. The queue belongs to the instance: use one instance per file, in one process. The clock only decides when expired
 * flows and markers are pruned: the local stand-in for Firestore's TTL, which also runs on wall time.
 */
export class FileTokenLedger extends RecordWrites implements TokenLedger {
  private readonly writes = new AsyncMutex();
  private readonly clock: Clock;
  private cache?: { readonly state: LedgerState; readonly mtimeMs: number; readonly size: number };
  /**
   * Each record's stored text for as long as the record object lives (records are immutable: a write
   * makes a new one), so a group commit encodes only the records it changed, not all 1,000 again.
   */
  private readonly recordTexts = new WeakMap<TokenRecord, string>();

  constructor(
    private readonly filePath: string,
    options: { readonly clock?: Clock } = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
  }

  private remember(state: LedgerState, info: Stats): void {
    this.cache = { state, mtimeMs: info.mtimeMs, size: info.size };
  }

  async get(connectionId: string): Promise<TokenRecord> {
    return (await this.load()).connections.get(connectionId) ?? emptyRecord(connectionId);
  }

  async getMany(connectionIds: readonly string[]): Promise<TokenRecord[]> {
    const { connections } = await this.load();
    return connectionIds.map((id) => connections.get(id) ?? emptyRecord(id));
  }

  createFlow(flow: PendingFlow): Promise<void> {
    return this.update((state) => {
      if (state.flows.has(flow.id)) throw new Error(`a pending PIN flow with id ${flow.id} already exists`);
      // Round-trip through the stored form: the same checks as a read, and no caller-owned object kept.
      state.flows.set(flow.id, decodeFlow(encodeFlow(flow, ISO), ISO, `flow ${flow.id}`));
      return { result: undefined, changed: true };
    });
  }

  claimFlowAttempt(flowId: string, ownerSession: string, now: Date, maxAttempts: number): Promise<FlowClaim> {
    return this.update((state) => {
      const { claim, updated } = claimAttempt(state.flows.get(flowId), ownerSession, now, maxAttempts);
      if (updated) state.flows.set(flowId, updated);
      return { result: claim, changed: updated !== undefined };
    });
  }

  deleteFlow(flowId: string): Promise<void> {
    return this.update((state) => ({ result: undefined, changed: state.flows.delete(flowId) }));
  }

  async flowsOf(ownerSession: string): Promise<FlowSummary[]> {
    const { flows } = await this.load();
    return [...flows.values()]
      .filter((flow) => flow.ownerSession === ownerSession)
      .sort(byCreation)
      .map(flowSummary);
  }

  async recordChatAlert(alert: ChatAlert): Promise<void> {
    assertChatAlert(alert);
    return this.update((state) => {
      const stored = decodeChatAlert(encodeChatAlert(alert, ISO), ISO, 'chat alert');
      state.chatAlerts.set(chatAlertKey(alert.chatId, alert.messageId), stored);
      return { result: undefined, changed: true };
    });
  }

  async chatAlertsAbout(chatId: string, connectionId: string, now: Date): Promise<ChatAlert[]> {
    assertInstant(now, 'now');
    const { chatAlerts } = await this.load();
    return [...chatAlerts.values()]
      .filter((a) => a.chatId === chatId && a.connectionIds.includes(connectionId))
      .filter((a) => a.expiresAt.getTime() > now.getTime())
      .sort(bySending);
  }

  forgetChatAlert(chatId: string, messageId: number): Promise<void> {
    return this.update((state) => ({
      result: undefined,
      changed: state.chatAlerts.delete(chatAlertKey(chatId, messageId)),
    }));
  }

  async claimMarker(key: string, at: Date, expiresAt: Date, holder?: string): Promise<boolean> {
    assertInstant(expiresAt, 'expiresAt');
    if (holder !== undefined) assertMarkerHolder(holder);
    return this.update((state) => {
      if (markerIsLive(state.markers.get(key), at)) return { result: false, changed: false };
      state.markers.set(key, holder === undefined ? { at, expiresAt } : { at, expiresAt, holder });
      return { result: true, changed: true };
    });
  }

  async releaseMarker(key: string, holder: string): Promise<boolean> {
    assertMarkerHolder(holder);
    return this.update((state) => {
      if (!markerHeldBy(state.markers.get(key), holder)) return { result: false, changed: false };
      state.markers.delete(key);
      return { result: true, changed: true };
    });
  }

  protected updateRecord<R extends { readonly record: TokenRecord }>(
    connectionId: string,
    decide: (current: TokenRecord) => R,
  ): Promise<R> {
    return this.update((state) => {
      const current = state.connections.get(connectionId) ?? emptyRecord(connectionId);
      const result = decide(current);
      const changed = result.record !== current;
      if (changed) state.connections.set(connectionId, result.record);
      return { result, changed };
    });
  }

  private queued: QueuedWrite[] = [];
  private flushing = false;

  /**
   * Group commit: writes that arrive while the file is being written wait for the next write, which
   * applies every waiting change in order and rewrites the file once; the first write of a burst waits
   * for the rest of its turn of the event loop (answers that arrive together, as a keep-alive's do)
   * to join it. Each caller still resolves only after its change is durable. Every `mutate` decides
   * before it changes anything (all-or-nothing), so one that throws leaves the state as it found it
   * and fails alone.
   */
  private update<T>(mutate: (state: LedgerState) => { result: T; changed: boolean }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ mutate, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.queued.length > 0) await this.writes.run(() => this.commit(this.queued.splice(0)));
    } finally {
      this.flushing = false;
    }
  }

  private async commit(batch: QueuedWrite[]): Promise<void> {
    let outcomes: (
      { ok: true; value: { result: unknown; changed: boolean } } | { ok: false; error: unknown }
    )[];
    try {
      const state = await this.load();
      outcomes = batch.map((write) => {
        try {
          return { ok: true as const, value: write.mutate(state) };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
      if (outcomes.some((o) => o.ok && o.value.changed)) {
        // Private: the ledger names connections and holds pending request tokens.
        await writeFileAtomic(
          this.filePath,
          stateText(prune(state, this.clock.now()), this.recordText),
          0o600,
        );
        this.remember(state, await stat(this.filePath));
      }
    } catch (err) {
      // The decoded copy may now differ from the file: read the file again next time.
      this.cache = undefined;
      batch.forEach((write) => write.reject(err));
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value.result) : batch[i].reject(o.error)));
  }

  private readonly recordText = (record: TokenRecord): string => {
    let text = this.recordTexts.get(record);
    if (text === undefined) {
      text = JSON.stringify(encodeRecord(record, ISO));
      this.recordTexts.set(record, text);
    }
    return text;
  };

  /**
   * The decoded file, kept while the file's size and mtime are what this instance last saw: decoding
   * every record on every call made a 1,000-connection keep-alive spend its time in JSON.parse.
   * Another process writing the file (the CLI) changes its mtime, so its writes are still read.
   */
  private async load(): Promise<LedgerState> {
    let info: Stats;
    try {
      info = await stat(this.filePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw err;
    }
    if (this.cache && this.cache.mtimeMs === info.mtimeMs && this.cache.size === info.size)
      return this.cache.state;
    const text = await readFile(this.filePath, 'utf8');
    try {
      const state = decodeState(JSON.parse(text));
      this.remember(state, info);
      return state;
    } catch (err) {
      // Never fall back to empty: the next write would erase every connection's record.
      throw new Error(`token ledger ${this.filePath} is unreadable: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

const ISO: InstantCodec<string> = {
  encode: (at) => at.toISOString(),
  decode: (value, field) => {
    const at = typeof value === 'string' ? new Date(value) : undefined;
    if (!at || Number.isNaN(at.getTime()) || at.toISOString() !== value) {
      throw new TypeError(`${field} must be an ISO 8601 instant, got ${JSON.stringify(value)}`);
    }
    return at;
  },
};

function emptyState(): LedgerState {
  return { connections: new Map(), flows: new Map(), markers: new Map(), chatAlerts: new Map() };
}

/** Expired flows stay listed a while (flowsOf: "the window closed"); markers and alerts go at expiry. */
function prune(state: LedgerState, now: Date): LedgerState {
  for (const [id, flow] of state.flows) {
    if (flowKeptUntil(flow).getTime() <= now.getTime()) state.flows.delete(id);
  }
  for (const [key, marker] of state.markers) if (!markerIsLive(marker, now)) state.markers.delete(key);
  for (const [key, alert] of state.chatAlerts) {
    if (alert.expiresAt.getTime() <= now.getTime()) state.chatAlerts.delete(key);
  }
  return state;
}

/**
 * The file: one connection record per line, each the text cached for that record object. At 1,000
 * connections, encoding and stringifying every record again made up most of a group commit.
 */
function stateText(state: LedgerState, recordText: (record: TokenRecord) => string): string {
  const records = [...state.connections].map(
    ([id, record]) => `    ${JSON.stringify(id)}: ${recordText(record)}`,
  );
  const { flows, markers, chatAlerts } = encodeFlowsAndMarkers(state);
  return [
    '{',
    '  "connections": {',
    records.join(',\n'),
    '  },',
    `  "flows": ${JSON.stringify(flows)},`,
    `  "markers": ${JSON.stringify(markers)},`,
    `  "chatAlerts": ${JSON.stringify(chatAlerts)}`,
    '}',
    '',
  ].join('\n');
}

function encodeFlowsAndMarkers(state: LedgerState): StoredFields {
  const entries = <V>(map: Map<string, V>, encode: (value: V) => unknown) =>
    Object.fromEntries([...map].map(([key, value]) => [key, encode(value)]));
  return {
    flows: entries(state.flows, (flow) => encodeFlow(flow, ISO)),
    markers: entries(state.markers, (m) => ({
      at: ISO.encode(m.at),
      expiresAt: ISO.encode(m.expiresAt),
      ...(m.holder === undefined ? {} : { holder: m.holder }),
    })),
    chatAlerts: entries(state.chatAlerts, (alert) => encodeChatAlert(alert, ISO)),
  };
}

function decodeState(raw: unknown): LedgerState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError('not a JSON object');
  const section = (name: string): [string, unknown][] => {
    const value = (raw as Record<string, unknown>)[name] ?? {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`${name} must be an object`);
    }
    return Object.entries(value);
  };
  const decodeMarker = (value: unknown, key: string): Marker => {
    const m = (value ?? {}) as Record<string, unknown>;
    const marker = {
      at: ISO.decode(m.at, `markers.${key}.at`),
      expiresAt: ISO.decode(m.expiresAt, `markers.${key}.expiresAt`),
    };
    if (m.holder === undefined) return marker;
    if (typeof m.holder !== 'string') throw new TypeError(`markers.${key}.holder must be a string`);
    return { ...marker, holder: m.holder };
  };
  return {
    connections: new Map(
      section('connections').map(([id, v]) => [id, decodeRecord(v, ISO, `connections.${id}`)]),
    ),
    flows: new Map(section('flows').map(([id, v]) => [id, decodeFlow(v, ISO, `flows.${id}`)])),
    markers: new Map(section('markers').map(([key, v]) => [key, decodeMarker(v, key)])),
    chatAlerts: new Map(
      section('chatAlerts').map(([key, v]) => [key, decodeChatAlert(v, ISO, `chatAlerts.${key}`)]),
    ),
  };
}

import { RecordWrites } from '../../ledger/recordWrites';
import {
  GrpcStatus,
  Timestamp,
  type CollectionReference,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';

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
} from '../../ledger/storedForm';
import type {
  ChatAlert,
  FlowClaim,
  FlowSummary,
  PendingFlow,
  TokenLedger,
  TokenRecord,
} from '../../ports/tokenLedger';

export interface FirestoreTokenLedgerOptions {
  /** Prepended to every collection name, so tests (or two deployments) can share one database. */
  readonly collectionPrefix?: string;
  /**
   * Runs of one transaction before the client gives up with ABORTED (the client's default is 5). A
   * connection rarely has more than two or three writers at once; raise it where more contend.
   */
  readonly maxAttempts?: number;
}

/** Collection names; infra/firestore.tf sets the TTL policy on these (checked by test/infra). */
export const FIRESTORE_COLLECTIONS = {
  connections: 'connections',
  pinFlows: 'pinFlows',
  markers: 'markers',
  chatAlerts: 'chatAlerts',
} as const;
/** The TTL field on flows and markers: Firestore deletes a document some time after this instant. */
export const FIRESTORE_TTL_FIELD = 'expireAt';
/** On a marker: the id of the claim that made it, the only one that may release it. */
const HOLDER_FIELD = 'holder';

/**
 * The TokenLedger on Firestore: `connections/{id}`, `pinFlows/{id}` and `markers/{key}`. Every
 * read-modify-write runs in a transaction, and the decision inside it is one of the pure transitions,
 * so a retried transaction simply decides again on the fresh value. Flows and markers carry `expireAt`,
 * the field the Terraform TTL policy names, so Firestore deletes them on its own.
 */
export class FirestoreTokenLedger extends RecordWrites implements TokenLedger {
  private readonly connections: CollectionReference;
  private readonly flows: CollectionReference;
  private readonly markers: CollectionReference;
  private readonly chatAlerts: CollectionReference;
  private readonly transactionOptions: { readonly maxAttempts?: number };

  constructor(
    private readonly firestore: Firestore,
    options: FirestoreTokenLedgerOptions = {},
  ) {
    super();
    const prefix = options.collectionPrefix ?? '';
    this.connections = firestore.collection(`${prefix}${FIRESTORE_COLLECTIONS.connections}`);
    this.flows = firestore.collection(`${prefix}${FIRESTORE_COLLECTIONS.pinFlows}`);
    this.markers = firestore.collection(`${prefix}${FIRESTORE_COLLECTIONS.markers}`);
    this.chatAlerts = firestore.collection(`${prefix}${FIRESTORE_COLLECTIONS.chatAlerts}`);
    this.transactionOptions = options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts };
  }

  async get(connectionId: string): Promise<TokenRecord> {
    return toRecord(connectionId, await this.connection(connectionId).get());
  }

  async getMany(connectionIds: readonly string[]): Promise<TokenRecord[]> {
    // getAll needs at least one reference; it answers in the order asked, missing documents included.
    if (connectionIds.length === 0) return [];
    const snapshots = await this.firestore.getAll(...connectionIds.map((id) => this.connection(id)));
    return snapshots.map((snapshot, i) => toRecord(connectionIds[i], snapshot));
  }

  async createFlow(flow: PendingFlow): Promise<void> {
    const stored = encodeFlow(flow, TIMESTAMPS);
    // The read-side checks, before anything is stored: a bad flow fails here, not at every later read.
    decodeFlow(stored, TIMESTAMPS, `flow ${flow.id}`);
    // Kept past its expiry for flowsOf ("the window closed"); never usable after expiresAt.
    const fields = { ...stored, [FIRESTORE_TTL_FIELD]: TIMESTAMPS.encode(flowKeptUntil(flow)) };
    try {
      // create() fails on an existing document, atomically, without a transaction.
      await this.flow(flow.id).create(fields);
    } catch (err) {
      if ((err as { code?: unknown }).code === GrpcStatus.ALREADY_EXISTS) {
        throw new Error(`a pending PIN flow with id ${flow.id} already exists`, { cause: err });
      }
      throw err;
    }
  }

  claimFlowAttempt(flowId: string, ownerSession: string, now: Date, maxAttempts: number): Promise<FlowClaim> {
    const ref = this.flow(flowId);
    return this.transaction(async (tx) => {
      const snapshot = await tx.get(ref);
      const flow = snapshot.exists ? decodeFlow(snapshot.data(), TIMESTAMPS, ref.path) : undefined;
      const { claim, updated } = claimAttempt(flow, ownerSession, now, maxAttempts);
      if (updated) tx.update(ref, { attempts: updated.attempts });
      return claim;
    });
  }

  async deleteFlow(flowId: string): Promise<void> {
    await this.flow(flowId).delete();
  }

  async flowsOf(ownerSession: string): Promise<FlowSummary[]> {
    // One equality filter: served by Firestore's automatic single-field index.
    const snapshot = await this.flows.where('ownerSession', '==', ownerSession).get();
    return snapshot.docs
      .map((doc) => decodeFlow(doc.data(), TIMESTAMPS, doc.ref.path))
      .sort(byCreation)
      .map(flowSummary);
  }

  async recordChatAlert(alert: ChatAlert): Promise<void> {
    assertChatAlert(alert);
    const stored = encodeChatAlert(alert, TIMESTAMPS);
    await this.chatAlert(alert.chatId, alert.messageId).set({
      ...stored,
      [FIRESTORE_TTL_FIELD]: stored.expiresAt,
    });
  }

  async chatAlertsAbout(chatId: string, connectionId: string, now: Date): Promise<ChatAlert[]> {
    // array-contains alone (automatic index); the one configured chat and expiry are checked here.
    const snapshot = await this.chatAlerts.where('connectionIds', 'array-contains', connectionId).get();
    return snapshot.docs
      .map((doc) => decodeChatAlert(doc.data(), TIMESTAMPS, doc.ref.path))
      .filter((alert) => alert.chatId === chatId && alert.expiresAt.getTime() > now.getTime())
      .sort(bySending);
  }

  async forgetChatAlert(chatId: string, messageId: number): Promise<void> {
    await this.chatAlert(chatId, messageId).delete();
  }

  async claimMarker(key: string, at: Date, expiresAt: Date, holder?: string): Promise<boolean> {
    if (holder !== undefined) assertMarkerHolder(holder);
    const ref = this.markers.doc(documentId(key, 'key'));
    return this.transaction(async (tx) => {
      const snapshot = await tx.get(ref);
      const existing = snapshot.exists
        ? { expiresAt: TIMESTAMPS.decode(snapshot.get(FIRESTORE_TTL_FIELD), `${ref.path}.expireAt`) }
        : undefined;
      if (markerIsLive(existing, at)) return false;
      // set() replaces the whole document: an expired claim's holder does not survive a new claim.
      tx.set(ref, {
        key,
        claimedAt: Timestamp.fromDate(at),
        [FIRESTORE_TTL_FIELD]: Timestamp.fromDate(expiresAt),
        ...(holder === undefined ? {} : { [HOLDER_FIELD]: holder }),
      });
      return true;
    });
  }

  async releaseMarker(key: string, holder: string): Promise<boolean> {
    assertMarkerHolder(holder);
    const ref = this.markers.doc(documentId(key, 'key'));
    return this.transaction(async (tx) => {
      const snapshot = await tx.get(ref);
      const stored: unknown = snapshot.exists ? snapshot.get(HOLDER_FIELD) : undefined;
      const marker = snapshot.exists
        ? { holder: typeof stored === 'string' ? stored : undefined }
        : undefined;
      if (!markerHeldBy(marker, holder)) return false;
      // The read above is in the transaction: a claim that replaced this one meanwhile aborts it.
      tx.delete(ref);
      return true;
    });
  }

  /** Reads, decides with a pure transition, and writes only when the transition changed the record. */
  protected updateRecord<R extends { readonly record: TokenRecord }>(
    connectionId: string,
    decide: (current: TokenRecord) => R,
  ): Promise<R> {
    const ref = this.connection(connectionId);
    return this.transaction(async (tx) => {
      const current = toRecord(connectionId, await tx.get(ref));
      const result = decide(current);
      if (result.record !== current) tx.set(ref, encodeRecord(result.record, TIMESTAMPS));
      return result;
    });
  }

  private transaction<T>(body: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.firestore.runTransaction(body, this.transactionOptions);
  }

  private connection(connectionId: string): DocumentReference {
    return this.connections.doc(documentId(connectionId, 'connectionId'));
  }

  private chatAlert(chatId: string, messageId: number): DocumentReference {
    return this.chatAlerts.doc(documentId(chatAlertKey(chatId, messageId), 'chat alert key'));
  }

  private flow(flowId: string): DocumentReference {
    return this.flows.doc(documentId(flowId, 'flowId'));
  }
}

const TIMESTAMPS: InstantCodec<Timestamp> = {
  encode: (at) => Timestamp.fromDate(at),
  decode: (value, field) => {
    if (!(value instanceof Timestamp)) throw new TypeError(`${field} must be a Firestore Timestamp`);
    return value.toDate();
  },
};

function toRecord(connectionId: string, snapshot: DocumentSnapshot): TokenRecord {
  return snapshot.exists
    ? decodeRecord(snapshot.data(), TIMESTAMPS, snapshot.ref.path)
    : emptyRecord(connectionId);
}

/**
 * A Firestore document id for any non-empty string: ids may not contain '/', be '.' or '..', or look
 * like `__name__`. Percent-encoding (plus '.' and '_', which encodeURIComponent leaves alone) is
 * reversible, so distinct keys never share a document, and ordinary slugs stay readable.
 */
export function documentId(value: string, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return encodeURIComponent(value).replace(/[._]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

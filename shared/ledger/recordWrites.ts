import type {
  GenerationWrite,
  IssueCommand,
  IssueResult,
  KeepAliveHealth,
  KeepAliveResult,
  TokenRecord,
} from '../ports/tokenLedger';
import { applyDead, applyIssued, applyKeepAlive, applyUsed } from './transitions';

/**
 * The four connection-record writes of the TokenLedger port, each one pure transition: an adapter
 * supplies only `updateRecord` (read the current record, decide, persist when the decision changed it,
 * atomically in its own store), so every ledger decides every write the same way.
 */
export abstract class RecordWrites {
  protected abstract updateRecord<R extends { readonly record: TokenRecord }>(
    connectionId: string,
    decide: (current: TokenRecord) => R,
  ): Promise<R>;

  recordIssued(command: IssueCommand): Promise<IssueResult> {
    return this.updateRecord(command.connectionId, (current) => applyIssued(current, command));
  }

  recordUsed(connectionId: string, generation: number, at: Date): Promise<GenerationWrite<never>> {
    return this.updateRecord(connectionId, (current) => applyUsed(current, generation, at));
  }

  recordKeepAlive(
    connectionId: string,
    generation: number,
    result: KeepAliveResult,
  ): Promise<GenerationWrite<KeepAliveHealth>> {
    return this.updateRecord(connectionId, (current) => applyKeepAlive(current, generation, result));
  }

  recordDead(
    connectionId: string,
    generation: number,
    death: { readonly at: Date; readonly kind: 'revoked' | 'died' },
  ): Promise<GenerationWrite<never>> {
    return this.updateRecord(connectionId, (current) => applyDead(current, generation, death));
  }
}

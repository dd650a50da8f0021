/**
 * Each account's unread total, kept up to date from its `conversations:changed` events: a map of
 * conversation id to what that conversation adds to the total (countsAsUnread), so one changed
 * conversation never means reading all of them again. An account counts only once it has been
 * read whole (`reset`); until then its total is 0 and its events are not applied.
 */
import type { Events } from '../../ipc/contract.js';
import { countsAsUnread } from '../../shared/rules.js';

export class UnreadTotals {
  private readonly byAccount = new Map<string, { counts: Map<string, number>; total: number }>();

  has(accountId: string): boolean {
    return this.byAccount.has(accountId);
  }

  reset(accountId: string, counts: Map<string, number>): void {
    let total = 0;
    for (const n of counts.values()) total += n;
    this.byAccount.set(accountId, { counts: new Map(counts), total });
  }

  apply(accountId: string, change: Events['conversations:changed']): void {
    const account = this.byAccount.get(accountId);
    if (!account) return;
    for (const id of change.removed) {
      account.total -= account.counts.get(id) ?? 0;
      account.counts.delete(id);
    }
    for (const c of change.upserted) {
      const n = countsAsUnread(c) ? c.unread : 0;
      account.total += n - (account.counts.get(c.id) ?? 0);
      account.counts.set(c.id, n);
    }
  }

  total(accountId: string): number {
    return this.byAccount.get(accountId)?.total ?? 0;
  }

  forget(accountId: string): void {
    this.byAccount.delete(accountId);
  }
}

// What a committed write changed, in the only terms readers that cache account data care about:
// which organizations and which API keys. The metadata store reports one ChangeSet per committed
// transaction (or per write outside one); the cache drops what it names, and the invalidation bus
// carries it to the other API processes.

export interface ChangeSet {
  /** A write the store could not attribute to an organization or a key: drop everything. */
  everything: boolean;
  /**
   * Organizations (internal ids) whose row, users, keys or credit ledger changed: everything
   * cached about them (the organization view, every caller of the organization) is stale.
   */
  organizations: string[];
  /** API keys (ids) that changed while nothing else of their organization did. */
  keys: string[];
}

export type ChangeListener = (changes: ChangeSet) => void;

export function isEmptyChangeSet(changes: ChangeSet): boolean {
  return !changes.everything && changes.organizations.length === 0 && changes.keys.length === 0;
}

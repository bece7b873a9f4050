// The largest numbers the account layer accepts. Request schemas state them (so a request past
// one is a 422 before anything runs) and the engine checks the ones that depend on stored state
// (a balance is a sum of many requests). docs/api.md ("Bounds") lists them.

/** One credit top-up: 1..1,000,000,000 credits ($1,000,000 at $0.001 a credit). */
export const MAX_TOP_UP_CREDITS = 1_000_000_000;

/**
 * Ceiling of every requests-per-minute figure: an organization's per-category rate limits and a
 * key's rate_limit_override. 100 million a minute (~1.7 million a second) is above what any
 * deployment of Tessera serves, so "no practical limit" stays expressible (one process on two
 * cores already serves ~1.2 million a minute), while counters and headers stay ordinary integers.
 */
export const MAX_RATE_LIMIT_PER_MINUTE = 100_000_000;

/** Spending caps (soft budget, hard cap) in USD cents: up to $1,000,000,000. */
export const MAX_SPENDING_CENTS = 100_000_000_000;

/**
 * Balances and ledger amounts are integers of thousandths of a credit stored as 64-bit integers
 * and read as JavaScript numbers: above 2^53 - 1 they would stop being exact. Nothing may push a
 * balance past it (about 9 trillion credits).
 */
export const MAX_BALANCE_MILLIS = Number.MAX_SAFE_INTEGER;

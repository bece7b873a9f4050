// The billing module's repositories over Kysely, registered in ../repository-factories.ts.
import type { BillingRepositories } from '../../../engine/billing/billing-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyCreditLedgerRepository } from './credit-ledger-repository.ts';

export const billingRepositories = {
  ledger: (db) => new KyselyCreditLedgerRepository(db),
} satisfies RepositoryFactories<BillingRepositories>;

// Step id → view. One view per wizard step lives in this folder; add it here
// when it is built (and mark the step available in crates/wizard-core/src/
// paths.rs). A key may be `"<path>/<step>"` when the same step id means
// something different on another path (e.g. `"teams/azure-app"`); the plain
// step id is the fallback. Steps without a view show the honest "not built
// yet" panel.

import type { ComponentType } from 'preact';
import type { PathId } from '../bindings/PathId';
import { AzureAppStep } from './azure-app';
import { BulkConsentStep } from './bulk-consent';
import { BulkDoneStep } from './bulk-done';
import { BulkExplainStep } from './bulk-explain';
import { BulkGrantsStep } from './bulk-grants';
import { BulkTenantsStep } from './bulk-tenants';
import { BulkServiceAccountsStep } from './bulk-service-accounts';
import { DoneStep } from './done';
import { ConfigureNylasStep } from './configure-nylas';
import { ConnectAccountsStep } from './connect-accounts';
import { FeaturesStep } from './features';
import { MigrateAccountsStep } from './migrate-accounts';
import { MigrateDoneStep } from './migrate-done';
import { MigrateEwsStep } from './migrate-ews';
import { MigrateScopesStep } from './migrate-scopes';
import { NativeAuthStep } from './native-auth';
import { NylasAccountStep } from './nylas-account';
import { NylasV2Step } from './nylas-v2';
import { RegionStep } from './region';
import { TeamsIntegrationStep } from './teams-integration';
import { TestSignInStep } from './test-sign-in';
import type { StepViewProps } from './types';

export type StepView = ComponentType<StepViewProps>;

// The same views serve every path with these step ids; each reads the path
// from its context (Teams audits for Teams, migration uses v3's rules, v2
// offers calendar features only).
export const STEP_VIEWS: Readonly<Record<string, StepView>> = {
  features: FeaturesStep,
  region: RegionStep,
  'azure-app': AzureAppStep,
  'nylas-account': NylasAccountStep,
  'nylas-v2': NylasV2Step,
  'v3/report': DoneStep,
  'teams/report': DoneStep,
  'v2-events/report': DoneStep,
  'v3/connector': ConfigureNylasStep,
  'test-sign-in': TestSignInStep,
  'teams-integration': TeamsIntegrationStep,
  'connect-accounts': ConnectAccountsStep,
  'native-auth': NativeAuthStep,
  'migrate/scopes': MigrateScopesStep,
  'migrate/accounts': MigrateAccountsStep,
  'migrate/connector': ConfigureNylasStep,
  'migrate/ews': MigrateEwsStep,
  'migrate/report': MigrateDoneStep,
  'bulk/explain': BulkExplainStep,
  'bulk/connector': ConfigureNylasStep,
  'bulk/tenants': BulkTenantsStep,
  'bulk/consent': BulkConsentStep,
  'bulk/grants': BulkGrantsStep,
  'bulk/report': BulkDoneStep,
  'bulk/service-accounts': BulkServiceAccountsStep,
};

export function findStepView(
  path: PathId,
  step: string,
  views: Readonly<Record<string, StepView>> = STEP_VIEWS,
): StepView | undefined {
  return views[`${path}/${step}`] ?? views[step];
}

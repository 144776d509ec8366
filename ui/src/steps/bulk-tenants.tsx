// Path E, Tenants (issue 12, point 2): a CSV of the customer tenants
// (`tenant,name[,admin_email]`) → one admin-consent credential each in
// Nylas. What Nylas already has is read first (every page) and shown as the
// plan, so a re-run reuses and never creates a second one.

import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { BulkStepView } from '../api';
import type { Plan } from '../bindings/Plan';
import { BulkRunPanel, type BulkWords } from './bulk-run';
import type { StepViewProps } from './types';

const WORDS: BulkWords = {
  one: 'tenant',
  many: 'tenants',
  fileTitle: 'Your tenants file',
  fileHelp: (
    <>
      A CSV file with a header row: <code>tenant,name</code>, and optionally <code>admin_email</code>. <em>tenant</em>{' '}
      is the organization's Directory (tenant) ID or its domain; <em>name</em> is what you call that customer. The file
      stays on this computer: only each tenant and its name go to Nylas, as the credential's name.
    </>
  ),
  placeholder: 'tenant,name,admin_email\ncontoso.com,Contoso,admin@contoso.com',
  chooseLabel: 'Choose the tenants file…',
  start: (n) => (n === 1 ? 'Create the admin-consent credential in Nylas' : `Create ${n} admin-consent credentials in Nylas`),
  allDone: (s) =>
    `Every tenant has its admin-consent credential (${s.created} created, ${s.reused} already there).`,
  next: 'Next, each tenant’s admin gives consent.',
};

export function BulkTenantsStep({ ctx }: StepViewProps) {
  const [plan, setPlan] = useState<Plan | null>(null);
  const [planNote, setPlanNote] = useState<string | null>(null);
  const [list, setList] = useState<BulkStepView | null>(null);

  // What Nylas has, whenever the list changes: nothing is sent.
  useEffect(() => {
    if (list === null || list.items.length === 0 || list.missing.length > 0 || list.last_run !== null) return;
    let alive = true;
    setPlanNote('Reading what Nylas already has…');
    api
      .bulkPlanCredentials()
      .then((p) => {
        if (!alive) return;
        setPlan(p);
        setPlanNote(null);
      })
      .catch((e: unknown) => alive && setPlanNote(api.toWizardError(e).message));
    return () => {
      alive = false;
    };
  }, [list]);

  const creates = plan?.steps.filter((s) => s.action === 'create').length ?? 0;
  const reuses = (plan?.steps.length ?? 0) - creates;

  return (
    <div class="bulk-tenants-step" data-testid="bulk-tenants-step">
      <p class="step-intro">
        Each customer organization (tenant) gets its own admin-consent credential in Nylas. Choose your list of tenants
        and the wizard creates them all, a few at a time, well under Nylas's limit of 50 requests a second. If it stops
        halfway (you press Stop, close the window or the computer crashes), it continues where it stopped.
      </p>
      <BulkRunPanel
        ctx={ctx}
        kind="credentials"
        words={WORDS}
        read={api.bulkTenantsView}
        readFileText={api.bulkReadTenants}
        onChanged={(v) => {
          setPlan(null);
          setList(v);
        }}
      >
        {(plan !== null || planNote !== null) && (
          <p class="field-hint" role="status" data-testid="bulk-credentials-plan">
            {planNote ??
              (creates === 0
                ? 'Nylas already has a credential for every tenant in the list: running it creates nothing.'
                : `Nylas will get ${creates} new ${creates === 1 ? 'credential' : 'credentials'}${
                    reuses > 0 ? `; ${reuses} already there will be reused` : ''
                  }. Nothing is sent until you press the button below.`)}
          </p>
        )}
      </BulkRunPanel>
    </div>
  );
}

// "Check this tenant": asks Microsoft (or the practice simulator) whether the
// tenant the admin typed exists, and shows its Directory (tenant) ID, so a
// typo is caught before anyone signs in. While it runs, Cancel stops it
// (Rust cancels the call; the look-up then ends with code `cancelled`).

import { useState } from 'preact/hooks';
import * as api from '../api';
import { type WizardApiError, toWizardError } from '../api';
import type { TenantInfo } from '../bindings/TenantInfo';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import { ProxySettingForm } from '../components/proxy-setting';

const REGION_WORDS: Record<string, string> = {
  NA: 'North America',
  EU: 'Europe',
  AS: 'Asia',
  OC: 'Oceania',
  SA: 'South America',
  AF: 'Africa',
};

interface Props {
  tenant: string;
}

export function TenantLookup({ tenant }: Props) {
  const [result, setResult] = useState<{ query: string; info: TenantInfo } | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [stopped, setStopped] = useState(false);
  // Once Microsoft couldn't be reached, offer the proxy setting (and keep
  // offering it: the admin may come back to it).
  const [offerProxy, setOfferProxy] = useState(false);
  const query = tenant.trim();

  const lookUp = async () => {
    if (busy || query === '') return;
    setBusy(true);
    setStopped(false);
    try {
      const info = await api.lookUpTenant(query);
      setResult({ query, info });
      setError(null);
    } catch (e) {
      const err = toWizardError(e);
      setResult(null);
      // Stopped on purpose: not an error to explain.
      setStopped(err.code === 'cancelled');
      setError(err.code === 'cancelled' ? null : err);
      if (err.code === 'remote_unavailable') setOfferProxy(true);
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    try {
      await api.cancelRemote('look_up_tenant');
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  // A result for what was typed before is no longer the answer.
  const shown = result !== null && result.query === query ? result.info : null;
  return (
    <div class="tenant-lookup" data-testid="tenant-lookup">
      <div class="tenant-lookup-actions">
        <button
          type="button"
          class="btn btn-secondary btn-small"
          data-testid="tenant-lookup-button"
          aria-disabled={busy || query === '' ? 'true' : undefined}
          onClick={() => void lookUp()}
        >
          {busy ? 'Checking…' : 'Check this tenant'}
        </button>
        {busy && (
          <button
            type="button"
            class="btn btn-secondary btn-small"
            data-testid="tenant-lookup-cancel"
            onClick={() => void cancel()}
          >
            Cancel
          </button>
        )}
      </div>
      <div aria-live="polite">
        {stopped && !busy && (
          <p class="field-hint" data-testid="tenant-lookup-stopped">
            Stopped. Nothing was changed; check again when you're ready.
          </p>
        )}
        {shown !== null && (
          <div class="tenant-found" data-testid="tenant-found">
            <p>
              <span aria-hidden="true">✓ </span>
              {shown.tenant_id !== null
                ? `Microsoft knows “${shown.query}”.`
                : `“${shown.query}” stands for many tenants, so there is no single tenant ID.`}
              {shown.region_scope !== null && ` Its data lives in ${REGION_WORDS[shown.region_scope] ?? shown.region_scope}.`}
            </p>
            {shown.region_scope !== null && (
              <p class="field-hint" data-testid="tenant-region-note">
                That is where Microsoft keeps your organization's data. It doesn't need to match your Nylas region: a
                European organization can use a US Nylas account, and the other way round.
              </p>
            )}
            {shown.tenant_id !== null && (
              <>
                <p class="field-hint">Directory (tenant) ID</p>
                <CopyValue label="Directory (tenant) ID" value={shown.tenant_id} testId="tenant-id" />
              </>
            )}
          </div>
        )}
      </div>
      {error !== null && <ErrorCard error={error} onRetry={() => void lookUp()} busy={busy} />}
      {offerProxy && <ProxySettingForm />}
    </div>
  );
}

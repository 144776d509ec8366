// The permissions a scope plan asks for: each scope's name (monospace), why
// Nylas needs it, whether an administrator must consent, and wider scopes
// that also work. Used by the Features step.

import { Fragment } from 'preact';
import type { ScopePlan } from '../bindings/ScopePlan';
import type { ScopeRequirement } from '../bindings/ScopeRequirement';
import { CopyButton } from '../components/copy-button';
import { InfoIcon } from '../components/icons';

function ScopeItem({ scope, always }: { scope: ScopeRequirement; always: boolean }) {
  return (
    <li class="scope-item" data-testid={`scope-${scope.name}`}>
      <div class="scope-head">
        <code class="scope-name">{scope.name}</code>
        {scope.admin_consent && <span class="badge badge-warn">Needs admin consent</span>}
        {always && <span class="badge badge-neutral">Always needed</span>}
      </div>
      <p class="scope-reason">{scope.reason}</p>
      {scope.also_satisfied_by.length > 0 && (
        <p class="scope-also">
          Also works if your app already has:{' '}
          {scope.also_satisfied_by.map((s, i) => (
            <Fragment key={s}>
              {i > 0 && ', '}
              <code>{s}</code>
            </Fragment>
          ))}
        </p>
      )}
    </li>
  );
}

export function ScopeList({ plan }: { plan: ScopePlan }) {
  const names = plan.required.map((r) => r.name);
  return (
    <>
      <p class="scope-where">
        In the Azure portal these go under <strong>API permissions → Add a permission → Microsoft Graph → Delegated
        permissions</strong>.
      </p>
      <ul class="scope-items">
        {plan.required.map((r) => (
          <ScopeItem key={r.name} scope={r} always={r.features.length === 0} />
        ))}
      </ul>
      {plan.keep.length > 0 && (
        <>
          <p class="scope-subhead">Keep these if your app already has them:</p>
          <ul class="scope-items">
            {plan.keep.map((r) => (
              <ScopeItem key={r.name} scope={r} always={false} />
            ))}
          </ul>
        </>
      )}
      <div class="scope-actions">
        <CopyButton text={plan.scope_names.join(' ')} label="Copy the list" what="The permission names" />
      </div>
      {plan.notes.length > 0 && (
        <ul class="plan-notes" aria-label="Good to know">
          {plan.notes.map((n) => (
            <li key={n}>
              <InfoIcon size={18} />
              <span>{n}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="visually-hidden" role="status">
        {`${names.length} ${names.length === 1 ? 'permission' : 'permissions'}: ${names.join(', ')}`}
      </p>
    </>
  );
}

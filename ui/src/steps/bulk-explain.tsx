// Path E, What changed (issue 12, point 1): why v2 Office 365 service
// accounts can't be set up any more and what replaces them in v3. Every word
// comes from Rust (wizard-core's what_changed.rs); this view lays it out.

import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { type WizardApiError, toWizardError } from '../api';
import type { WhatChanged } from '../bindings/WhatChanged';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import { ExternalIcon } from '../components/icons';
import type { StepViewProps } from './types';
import '../styles/bulk.css';

export function BulkExplainStep({ ctx }: StepViewProps) {
  const [text, setText] = useState<WhatChanged | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);

  useEffect(() => {
    let live = true;
    api
      .bulkWhatChanged()
      .then((t) => live && setText(t))
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, []);

  if (error !== null) return <ErrorCard error={error} />;
  if (text === null) {
    return (
      <p class="muted" role="status">
        Loading…
      </p>
    );
  }
  return (
    <div class="bulk-explain-step" data-testid="bulk-explain">
      <p class="step-intro" data-testid="bulk-explain-summary">
        {text.summary}
      </p>
      {text.sections.map((s) => (
        <section key={s.id} class="step-section bulk-explain-section" aria-labelledby={`bulk-explain-${s.id}-title`} data-testid={`bulk-explain-${s.id}`}>
          <h2 class="group-title" id={`bulk-explain-${s.id}-title`}>
            {s.heading}
          </h2>
          {s.text.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </section>
      ))}
      <section class="step-section" aria-labelledby="bulk-explain-next-title">
        <h2 class="group-title" id="bulk-explain-next-title">
          What this path does next
        </h2>
        <ol class="bulk-list" data-testid="bulk-explain-next">
          {text.next_steps.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ol>
        <h3 class="scope-subhead">What to have at hand</h3>
        <ul class="bulk-list" data-testid="bulk-explain-needs">
          {text.needs.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
        <h3 class="scope-subhead">Read more</h3>
        <ul class="docs-list" data-testid="bulk-explain-docs">
          {text.docs.map((d) => (
            <li key={d.url}>
              <button
                type="button"
                class="btn btn-quiet btn-small inline-action"
                onClick={() => void ctx.openLink({ kind: 'docs', topic: d.topic })}
              >
                <ExternalIcon size={16} />
                <span>Open {d.label}</span>
              </button>
              <CopyValue value={d.url} label={`${d.label} address`} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

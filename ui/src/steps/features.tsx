// Features: what the admin's app does, in plain words (presets as quick
// choices, or single features), and the least-privilege Microsoft Graph
// permissions that follow, each with its reason. Choices are saved as they
// change and restored when the step opens.

import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { Feature } from '../bindings/Feature';
import type { FeatureChoices } from '../bindings/FeatureChoices';
import type { Preset } from '../bindings/Preset';
import type { PresetChoice } from '../bindings/PresetChoice';
import type { ScopePlan } from '../bindings/ScopePlan';
import { ErrorCard } from '../components/error-card';
import { allowedFeatures, auditPathOf, featureKeys, readFeatures } from './answers';
import { ScopeList } from './scope-list';
import type { StepViewProps } from './types';

/** "read contacts" → "Read contacts". */
export function sentenceCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function sameSet(a: readonly Feature[], b: readonly Feature[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The preset whose features are exactly these, if any. */
function matchingPreset(presets: PresetChoice[], features: Feature[]): Preset | null {
  return presets.find((p) => sameSet(p.features, features))?.id ?? null;
}

export function FeaturesStep({ ctx }: StepViewProps) {
  const pathId = ctx.path.id;
  const keys = featureKeys(pathId);
  const [saved] = useState(() => readFeatures(ctx.session.progress.answers, pathId));
  const [choices, setChoices] = useState<FeatureChoices | null>(null);
  const [preset, setPreset] = useState<Preset | null>(saved.preset);
  const [features, setFeatures] = useState<Feature[]>(saved.features);
  const [plan, setPlan] = useState<ScopePlan | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [loadTick, setLoadTick] = useState(0);

  useEffect(() => {
    let live = true;
    api
      .featureChoices()
      .then((c) => {
        if (!live) return;
        const offered = allowedFeatures(pathId, c);
        setChoices(offered);
        setError(null);
        // A preset saved without its list (chosen on another step): tick its features.
        const p = offered.presets.find((x) => x.id === saved.preset);
        if (p !== undefined && saved.features.length === 0) setFeatures([...p.features]);
      })
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, [pathId, loadTick]);

  // The live scope list: recomputed by Rust whenever the choice changes.
  const needsPick = auditPathOf(pathId) === 'v3' && features.length === 0;
  useEffect(() => {
    if (choices === null) return undefined;
    if (needsPick) {
      setPlan(null);
      void ctx.setStatus('in-progress');
      return undefined;
    }
    let live = true;
    api
      .planScopes(pathId, preset, features)
      .then((p) => {
        if (!live) return;
        setPlan(p);
        setError(null);
        // A permission list Nylas can use: this step is done.
        void ctx.setStatus('done');
      })
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, [choices, pathId, preset, features.join(',')]);

  // Both saves are queued at once, so a Next clicked right after waits for both.
  const save = (p: Preset | null, list: Feature[]) => {
    void ctx.setAnswer(keys.preset, p);
    void ctx.setAnswer(keys.list, list);
  };

  const choosePreset = (p: PresetChoice) => {
    const list = [...p.features];
    setPreset(p.id);
    setFeatures(list);
    save(p.id, list);
  };

  const toggle = (f: Feature, on: boolean) => {
    if (choices === null) return;
    const order = choices.features.map((c) => c.id);
    const next = order.filter((x) => (x === f ? on : features.includes(x)));
    const p = matchingPreset(choices.presets, next);
    setFeatures(next);
    setPreset(p);
    save(p, next);
  };

  if (choices === null) {
    return (
      <div class="features-step" data-testid="features-step">
        {error !== null ? (
          <ErrorCard error={error} onRetry={() => setLoadTick((n) => n + 1)} />
        ) : (
          <p class="muted" role="status">
            Loading the choices…
          </p>
        )}
      </div>
    );
  }

  const isV2 = pathId === 'v2-events';
  const presetDesc = (p: PresetChoice) =>
    sentenceCase(p.features.map((f) => choices.features.find((c) => c.id === f)?.label ?? f).join('; '));

  const presetGroup = choices.presets.length > 0 && (
    <fieldset class="choice-group preset-group">
      <legend class="group-title">Start from a common setup</legend>
      <p class="group-help">Pick the one closest to your app; it ticks the boxes below, and you can adjust them.</p>
      <div class="preset-options">
        {choices.presets.map((p) => (
          <label key={p.id} class={preset === p.id ? 'preset-option is-checked' : 'preset-option'}>
            <input
              type="radio"
              name="preset"
              value={p.id}
              checked={preset === p.id}
              data-testid={`preset-${p.id}`}
              onChange={() => choosePreset(p)}
            />
            <span class="preset-text">
              <span class="preset-label">{p.label}</span>
              <span class="preset-desc">{presetDesc(p)}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );

  const featureGroup = (
    <fieldset class="choice-group feature-group">
      <legend class="group-title">What does your app need to do?</legend>
      <p class="group-help">
        {preset === null && features.length > 0 ? 'Your own choice. ' : ''}Tick everything your app does with Microsoft
        data.
      </p>
      <ul class="feature-options">
        {choices.features.map((f) => (
          <li key={f.id}>
            <label class="check-option">
              <input
                type="checkbox"
                checked={features.includes(f.id)}
                data-testid={`feature-${f.id}`}
                onChange={(e) => toggle(f.id, e.currentTarget.checked)}
              />
              <span>{sentenceCase(f.label)}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );

  return (
    <div class="features-step" data-testid="features-step">
      {isV2 && (
        <p class="step-intro">
          Nylas v2 uses Microsoft Graph for calendars and events only, so only calendar features are offered here.
        </p>
      )}
      <div class="features-layout">
        <div class="features-choices">
          {presetGroup}
          {featureGroup}
        </div>
        <section class="scope-panel" data-testid="scope-list" aria-labelledby="scope-panel-title">
          <h2 class="group-title" id="scope-panel-title">
            Permissions your Azure app needs
          </h2>
          {error !== null && <ErrorCard error={error} />}
          {needsPick ? (
            <p class="muted">Pick a common setup or tick at least one box, and the permissions appear here.</p>
          ) : plan !== null ? (
            <ScopeList plan={plan} />
          ) : (
            error === null && <p class="muted">Working out the permissions…</p>
          )}
        </section>
      </div>
    </div>
  );
}

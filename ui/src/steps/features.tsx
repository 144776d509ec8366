// Features: what the admin's app does, in plain words (presets as quick
// choices, or single features), and the least-privilege Microsoft Graph
// permissions that follow, each with its reason. Choices are saved as they
// change and restored when the step opens. The same step serves every path;
// what a path offers, requires and plans comes from Rust (on Teams, calendar
// write is required and the Teams meetings permission is planned on top).

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { AnswerUpdate } from '../bindings/AnswerUpdate';
import type { Feature } from '../bindings/Feature';
import type { FeatureAnswer } from '../bindings/FeatureAnswer';
import type { FeatureChoices } from '../bindings/FeatureChoices';
import type { Preset } from '../bindings/Preset';
import type { PresetChoice } from '../bindings/PresetChoice';
import type { ScopePlan } from '../bindings/ScopePlan';
import { ErrorCard } from '../components/error-card';
import { ScopeList } from './scope-list';
import type { StepViewProps } from './types';

/** "read contacts" → "Read contacts". */
export function sentenceCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const NONE: FeatureAnswer = { preset: null, features: [] };

export function FeaturesStep({ ctx }: StepViewProps) {
  const pathId = ctx.path.id;
  const current = ctx.session.progress.current;
  // What Rust saved for this path (it derives the preset from the ticks).
  const saved = current?.features ?? NONE;
  const savedKey = `${saved.preset ?? ''}:${saved.features.join(',')}`;
  const needsPick = current?.needs_features ?? true;
  // Features the path can't do without (Rust's list: calendar-write on Teams).
  const required = current?.required_features ?? [];
  const [choices, setChoices] = useState<FeatureChoices | null>(null);
  // Shown at once when clicked; replaced by Rust's answer once every change
  // sent has been answered.
  const [preset, setPreset] = useState<Preset | null>(saved.preset);
  const [features, setFeatures] = useState<Feature[]>(saved.features);
  const [plan, setPlan] = useState<ScopePlan | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [loadTick, setLoadTick] = useState(0);
  const pending = useRef(0);
  const latest = useRef(saved);
  latest.current = saved;

  useEffect(() => {
    let live = true;
    api
      .featureChoices(pathId)
      .then((c) => {
        if (!live) return;
        setChoices(c);
        setError(null);
      })
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, [pathId, loadTick]);

  // The live scope list: worked out by Rust from the saved choice.
  useEffect(() => {
    if (choices === null) return undefined;
    if (needsPick) {
      setPlan(null);
      return undefined;
    }
    let live = true;
    api
      .planScopes()
      .then((p) => {
        if (!live) return;
        setPlan(p);
        setError(null);
      })
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, [choices, pathId, savedKey, needsPick]);

  const send = (update: AnswerUpdate) => {
    pending.current += 1;
    void ctx.setAnswer(update).then((p) => {
      pending.current -= 1;
      if (pending.current > 0) return;
      const f = p?.current?.features ?? latest.current;
      setPreset(f.preset);
      setFeatures(f.features);
    });
  };

  const choosePreset = (p: PresetChoice) => {
    setPreset(p.id);
    setFeatures([...p.features]);
    send({ key: 'preset', value: p.id });
  };

  const toggle = (f: Feature, on: boolean) => {
    setFeatures((list) => (on ? [...list.filter((x) => x !== f), f] : list.filter((x) => x !== f)));
    send({ key: 'feature', value: { feature: f, on } });
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

  const isV2 = current?.audit_path === 'v2-events';
  const isTeams = current?.audit_path === 'teams';
  const labelOf = (f: Feature) => choices.features.find((c) => c.id === f)?.label ?? f;
  const presetDesc = (p: PresetChoice) => sentenceCase(p.features.map(labelOf).join('; '));
  // "“Create or update events”", or a list of them.
  const requiredNames = required.map((f) => `“${sentenceCase(labelOf(f))}”`).join(' and ');
  const missingRequired = required.filter((f) => !features.includes(f));

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
              {required.includes(f.id) && (
                <span class="badge badge-neutral" data-testid={`required-${f.id}`}>
                  Required
                </span>
              )}
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
      {isTeams && (
        <p class="step-intro" data-testid="features-intro">
          Teams meetings are added to calendar events, so {requiredNames} is required. We add the permission that lets
          Nylas create the meetings.
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
            <p class="muted">
              {missingRequired.length > 0 && features.length > 0
                ? `Tick ${requiredNames} too, and the permissions appear here.`
                : missingRequired.length > 0
                  ? `Pick a common setup or tick what your app does, including ${requiredNames}, and the permissions appear here.`
                  : 'Pick a common setup or tick at least one box, and the permissions appear here.'}
            </p>
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

// The admin's own callback URIs (pages in their app that Nylas sends people
// back to), optional: a field checked as it is typed, and the saved list.
// Registering them with the Nylas application is a later step.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { CallbackValidation } from '../bindings/CallbackValidation';
import { ErrorCard } from '../components/error-card';
import { AlertIcon, CheckCircleIcon, CloseIcon, XCircleIcon } from '../components/icons';
import type { StepContext } from './types';

/** How long typing pauses before the address is checked. */
const CHECK_DELAY_MS = 250;

function Verdict({ v, id }: { v: CallbackValidation; id?: string }) {
  return (
    <div class="callback-verdict" id={id}>
      {v.problems.map((p) => (
        <p key={p} class="verdict verdict-fail">
          <XCircleIcon size={16} />
          <span>
            <span class="visually-hidden">Problem: </span>
            {p}
          </span>
        </p>
      ))}
      {v.warnings.map((w) => (
        <p key={w} class="verdict verdict-warn">
          <AlertIcon size={16} />
          <span>
            <span class="visually-hidden">Worth a look: </span>
            {w}
          </span>
        </p>
      ))}
      {v.valid && v.warnings.length === 0 && (
        <p class="verdict verdict-pass">
          <CheckCircleIcon size={16} />
          <span>This address looks right.</span>
        </p>
      )}
    </div>
  );
}

export function CallbackUris({ ctx }: { ctx: StepContext }) {
  const [list, setList] = useState<string[]>(ctx.session.progress.answers.callback_uris);
  const [text, setText] = useState('');
  const [check, setCheck] = useState<CallbackValidation | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const seq = useRef(0);
  const inputRef = useRef<HTMLInputElement>(null);

  const validate = async (uri: string): Promise<CallbackValidation | null> => {
    const mine = ++seq.current;
    try {
      const v = await api.validateCallback(uri);
      if (mine !== seq.current) return null;
      setCheck(v);
      setError(null);
      return v;
    } catch (e) {
      if (mine === seq.current) setError(toWizardError(e));
      return null;
    }
  };

  // Live check while typing, after a short pause; the newest answer wins.
  useEffect(() => {
    if (text.trim() === '') {
      seq.current += 1;
      setCheck(null);
      return undefined;
    }
    const t = window.setTimeout(() => void validate(text), CHECK_DELAY_MS);
    return () => window.clearTimeout(t);
  }, [text]);

  const save = (next: string[]) => {
    setList(next);
    void ctx.setAnswer({ key: 'callback_uris', value: next });
  };

  const add = async (e: Event) => {
    e.preventDefault();
    if (text.trim() === '') return;
    const v = await validate(text);
    if (v === null || !v.valid) {
      inputRef.current?.focus();
      return;
    }
    if (!list.includes(v.uri)) save([...list, v.uri]);
    setText('');
    setCheck(null);
    inputRef.current?.focus();
  };

  const invalid = check !== null && !check.valid;
  return (
    <section class="step-section" aria-labelledby="callbacks-title">
      <h2 class="group-title" id="callbacks-title">
        Your own callback URIs <span class="optional">(optional)</span>
      </h2>
      <p class="group-help">
        These are pages in your own app that Nylas sends people back to after they connect. You register them with
        your Nylas application in a later step; add them here and we'll check them now.
      </p>
      <form class="callback-form" onSubmit={add} noValidate>
        <label class="field-label" for="callback-input">
          Callback URI
        </label>
        <div class="field-row">
          <input
            id="callback-input"
            ref={inputRef}
            class="text-input mono"
            type="text"
            inputMode="url"
            spellcheck={false}
            autoComplete="off"
            placeholder="https://app.example.com/oauth/callback"
            value={text}
            aria-invalid={invalid ? 'true' : undefined}
            aria-describedby={check !== null ? 'callback-verdict' : undefined}
            data-testid="callback-input"
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button type="submit" class="btn btn-secondary" data-testid="callback-add">
            Add
          </button>
        </div>
        <div aria-live="polite">{check !== null && <Verdict v={check} id="callback-verdict" />}</div>
      </form>
      {error !== null && <ErrorCard error={error} />}
      {list.length > 0 && (
        <ul class="callback-list" aria-label="Your callback URIs">
          {list.map((u) => (
            <li key={u} class="callback-item" data-testid="callback-item">
              <code class="callback-uri">{u}</code>
              <button
                type="button"
                class="btn btn-quiet btn-small"
                aria-label={`Remove ${u}`}
                onClick={() => save(list.filter((x) => x !== u))}
              >
                <CloseIcon size={16} />
                <span aria-hidden="true">Remove</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// "Behind a company proxy?": which proxy calls to Microsoft and Nylas go
// through. By default the computer's own settings; an admin whose IT gave
// them a proxy address can type it here. Rust checks the address and
// answers with the setting in force; it lasts until the wizard closes.

import { useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { type WizardApiError, toWizardError } from '../api';
import type { ProxySetting } from '../bindings/ProxySetting';
import { ErrorCard } from './error-card';

export function describeProxy(p: ProxySetting): string {
  switch (p.mode) {
    case 'system':
      return "Using this computer's proxy settings.";
    case 'manual':
      return `Using the proxy ${p.url} until you close the wizard.`;
    case 'none':
      return 'Connecting directly, without a proxy.';
  }
}

export function ProxySettingForm() {
  const input = useRef<HTMLInputElement>(null);
  const [inForce, setInForce] = useState<ProxySetting | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = async (proxy: ProxySetting) => {
    if (busy) return;
    setBusy(true);
    try {
      setInForce(await api.setProxy(proxy));
      setError(null);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  const useTyped = () => {
    const url = input.current?.value.trim() ?? '';
    void apply(url === '' ? { mode: 'system' } : { mode: 'manual', url });
  };

  return (
    <details class="proxy-setting" data-testid="proxy-setting">
      <summary>Behind a company proxy?</summary>
      <p class="field-hint" id="proxy-url-help">
        The wizard uses this computer's proxy settings. If Microsoft can't be reached, type the proxy
        address your IT department gave you.
      </p>
      <label class="field-label" for="proxy-url">
        Proxy address
      </label>
      <input
        id="proxy-url"
        ref={input}
        class="text-input mono"
        type="text"
        spellcheck={false}
        autoComplete="off"
        placeholder="http://proxy.example.com:8080"
        aria-describedby="proxy-url-help"
        data-testid="proxy-url"
      />
      <div class="proxy-actions">
        <button
          type="button"
          class="btn btn-secondary btn-small"
          data-testid="proxy-use"
          aria-disabled={busy ? 'true' : undefined}
          onClick={useTyped}
        >
          Use this proxy
        </button>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          data-testid="proxy-system"
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => void apply({ mode: 'system' })}
        >
          Use this computer's settings
        </button>
      </div>
      <div aria-live="polite">
        {inForce !== null && (
          <p class="field-hint" data-testid="proxy-in-force">
            {describeProxy(inForce)}
          </p>
        )}
      </div>
      {error !== null && <ErrorCard error={error} onDismiss={() => setError(null)} />}
    </details>
  );
}

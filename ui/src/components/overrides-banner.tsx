// Always at the top while any service is pointed away from its real host
// (NYLAS_WIZARD_SANDBOX_URL or NYLAS_WIZARD_URL_<SERVICE>, set for support
// or tests), so nobody mistakes that setup for the real Microsoft or Nylas.
// Rust decides what counts as overridden; practice mode has its own banner.

import type { EndpointOverride } from '../bindings/EndpointOverride';
import { WrenchIcon } from './icons';

export function OverridesBanner({ overrides }: { overrides: EndpointOverride[] }) {
  if (overrides.length === 0) return null;
  return (
    <div class="overrides-banner" data-testid="overrides-banner" role="region" aria-label="Changed service addresses">
      <WrenchIcon size={18} />
      <div>
        <p>
          <strong>Changed service addresses</strong> — settings on this computer send the wizard's calls somewhere other
          than Microsoft or Nylas:
        </p>
        <ul class="overrides-list">
          {overrides.map((o) => (
            <li key={o.variable} data-testid="override-item" title={o.variable}>
              {o.service}: <code>{o.url}</code>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

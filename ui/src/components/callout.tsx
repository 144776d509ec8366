// The one card shape for things the admin should know: an icon, a headline
// in plain words, the detail, and actions. Errors, notices and the keychain
// warning all use it so they read the same way.

import type { ComponentChildren } from 'preact';
import { AlertIcon, InfoIcon, LockIcon } from './icons';

export type CalloutTone = 'info' | 'warning' | 'danger';

interface CalloutProps {
  tone: CalloutTone;
  title: string;
  testId: string;
  /** `alert` for errors (announced at once), `status` for quieter news. */
  role?: 'alert' | 'status' | 'region';
  icon?: 'info' | 'warning' | 'lock';
  children?: ComponentChildren;
  actions?: ComponentChildren;
  /** Extra small print under the actions (an error code for support). */
  footnote?: ComponentChildren;
  headingId?: string;
}

export function Callout({ tone, title, testId, role, icon, children, actions, footnote, headingId }: CalloutProps) {
  const Icon = icon === 'lock' ? LockIcon : icon === 'info' || (icon === undefined && tone === 'info') ? InfoIcon : AlertIcon;
  return (
    <section
      class={`callout callout-${tone}`}
      data-testid={testId}
      role={role}
      aria-labelledby={headingId}
    >
      <Icon size={20} class="callout-icon" />
      <div class="callout-body">
        <h2 class="callout-title" id={headingId}>
          {title}
        </h2>
        {children}
        {actions !== undefined && <div class="callout-actions">{actions}</div>}
        {footnote !== undefined && <p class="callout-footnote">{footnote}</p>}
      </div>
    </section>
  );
}

// Help in place (issue 17, point 12): a word an admin may not know (tenant,
// manifest, redirect URI, admin consent, client secret) is underlined; on
// hover or keyboard focus it shows one plain sentence and a link to the
// documentation. Esc closes it; focus can move into its link.

import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import type { OpenLink } from '../api';
import type { DocTopic } from '../bindings/DocTopic';
import { ExternalIcon } from './icons';

export type TermId = 'tenant' | 'manifest' | 'redirect_uri' | 'admin_consent' | 'client_secret';

export const GLOSSARY: Record<TermId, { text: string; topic: DocTopic; docs: string }> = {
  tenant: {
    text: "Your organization's own space in Microsoft Entra ID, named by its Directory (tenant) ID or a verified domain such as contoso.com.",
    topic: { topic: 'microsoft_tenant_id' },
    docs: 'How to find your tenant ID',
  },
  manifest: {
    text: "All of an app registration's settings in one file; the Azure portal shows it under your app → Manifest, with a Download button.",
    topic: { topic: 'microsoft_manifest' },
    docs: 'The app manifest explained',
  },
  redirect_uri: {
    text: 'The address Microsoft sends people back to after they sign in. It must match letter for letter, including the end.',
    topic: { topic: 'microsoft_redirect_uri' },
    docs: 'Redirect URI rules',
  },
  admin_consent: {
    text: "An administrator approving the app's permissions once for everyone in the organization, so nobody is asked one by one.",
    topic: { topic: 'microsoft_admin_consent' },
    docs: 'Granting admin consent',
  },
  client_secret: {
    text: 'A password your app uses to prove who it is. Nylas needs its Value; it expires, so note when.',
    topic: { topic: 'microsoft_client_secret' },
    docs: 'Adding a client secret',
  },
};

interface TermProps {
  term: TermId;
  children: ComponentChildren;
  /** Opens the docs page (by topic); without it, no link is offered. */
  onOpen?: (link: OpenLink) => void;
}

export function Term({ term, children, onOpen }: TermProps) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLSpanElement>(null);
  const id = `term-${useId()}`;
  const g = GLOSSARY[term];
  return (
    <span
      class="term"
      ref={wrap}
      data-testid={`term-${term}`}
      onMouseEnter={() => setOpen(true)}
      onMouseLeave={() => setOpen(false)}
      onFocusIn={() => setOpen(true)}
      onFocusOut={(e) => {
        // Stay open while focus moves to the docs link inside.
        const next = e.relatedTarget as Node | null;
        if (next === null || !(wrap.current?.contains(next) ?? false)) setOpen(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button type="button" class="term-word" aria-describedby={id} aria-expanded={open ? 'true' : 'false'}>
        {children}
      </button>
      <span class="term-tip" role="tooltip" id={id} hidden={!open} data-testid={`term-tip-${term}`}>
        {g.text}
        {onOpen !== undefined && (
          <>
            {' '}
            <button
              type="button"
              class="term-docs"
              data-testid={`term-docs-${term}`}
              onClick={() => onOpen({ kind: 'docs', topic: g.topic })}
            >
              <ExternalIcon size={14} />
              <span>{g.docs}</span>
            </button>
          </>
        )}
      </span>
    </span>
  );
}

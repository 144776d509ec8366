// Renders its children into a container on <body>, so dialogs sit above
// everything. Written on plain Preact on purpose: importing preact/compat
// (for its createPortal) would change every text field's onChange into an
// onInput for the whole app, re-rendering between keystrokes.

import type { ComponentChildren } from 'preact';
import { render } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';

export function Portal({ children }: { children: ComponentChildren }) {
  const [host] = useState(() => document.createElement('div'));
  useLayoutEffect(() => {
    document.body.appendChild(host);
    return () => {
      render(null, host);
      host.remove();
    };
  }, [host]);
  useLayoutEffect(() => {
    render(<>{children}</>, host);
  });
  return null;
}

import { render } from 'preact';
import * as api from './api';
import { App, type Boot } from './app';
import type { PathInfo } from './bindings/PathInfo';
import type { Session } from './bindings/Session';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/steps.css';
import './styles/fields.css';
import './styles/findings.css';

performance.mark('app:script');
// Ask Rust for the session and the paths at once, while Preact draws the
// loading screen, rather than a frame later from the App's first effect.
const mark =
  <T,>(name: string) =>
  (value: T): T => {
    performance.mark(name);
    return value;
  };
const boot: Boot = Promise.all([
  api.getSession().then(mark<Session>('app:session')),
  api.listPaths().then(mark<PathInfo[]>('app:paths')),
]);
// A failure is shown by the App (its error card); not an unhandled rejection.
boot.catch(() => undefined);

const root = document.getElementById('app');
if (root !== null) render(<App boot={boot} />, root);

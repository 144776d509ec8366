// The calls "create it for me" makes, as Rust reports them while it runs
// (streamed through a channel): each waiting, in progress, done, failed or
// stopped, with a mark and words (never colour alone).

import type { CreateCall } from '../bindings/CreateCall';
import type { CreateProgress } from '../bindings/CreateProgress';

/** The calls creating makes, in Rust's order, named before they run. */
export const CALLS: { call: CreateCall; label: string }[] = [
  { call: 'find_existing', label: 'Look for an app to reuse' },
  { call: 'app', label: 'Register the app (or reuse the one found)' },
  { call: 'service_principal', label: 'Create its enterprise application' },
  { call: 'secret', label: 'Add a client secret' },
  { call: 'live_audit', label: 'Check the new app live' },
];

/** Icon and words per state: never colour alone. */
const MARK: Record<CreateProgress['state'] | 'waiting', { icon: string; word: string }> = {
  waiting: { icon: '○', word: 'Not started' },
  started: { icon: '…', word: 'In progress' },
  done: { icon: '✓', word: 'Done' },
  failed: { icon: '✗', word: 'Failed' },
  stopped: { icon: '■', word: 'Stopped' },
};

/** The calls as Rust reports them: each waiting, running, done or failed. */
export function CallList({ heard }: { heard: Partial<Record<CreateCall, CreateProgress>> }) {
  return (
    <ol class="create-calls create-calls-live" data-testid="create-calls">
      {CALLS.map(({ call, label }) => {
        const e = heard[call];
        const mark = MARK[e?.state ?? 'waiting'];
        return (
          <li key={call} class={`create-call is-${e?.state ?? 'waiting'}`} data-testid={`create-call-${call}`} data-state={e?.state ?? 'waiting'}>
            <span class="create-call-mark" aria-hidden="true">
              {e?.state === 'started' ? <span class="create-call-spinner" /> : mark.icon}
            </span>
            <span class="visually-hidden">{mark.word}: </span>
            <span>{e?.text ?? label}</span>
          </li>
        );
      })}
    </ol>
  );
}


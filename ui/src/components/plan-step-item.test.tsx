import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../bindings/PlanStep';
import { PlanStepItem } from './plan-step-item';

const ACTIONS: Record<PlanStep['action'], string> = {
  create: 'Will be added',
  update: 'Will be changed',
  nothing_to_do: 'Already right',
};

const UPDATE: PlanStep = {
  key: 'connector:microsoft',
  summary: 'Update the Microsoft connector.',
  action: 'update',
  safety: 'People already connected stay connected.',
  undo: ['Open Connectors.', 'Put back what it had before.'],
  request: { method: 'PATCH', path: '/v3/connectors/microsoft', body: { settings: { client_secret: '•••' } } },
  changes: [
    { field: 'scope', before: 'Mail.Read', after: 'Mail.ReadWrite' },
    { field: 'expires_in', before: '1', after: '2' },
  ],
};

describe('PlanStepItem', () => {
  it('shows the action, safety, before → after in plain words, the redacted request and the undo steps', () => {
    render(
      <ol>
        <PlanStepItem
          step={UPDATE}
          actions={ACTIONS}
          fields={{ scope: 'Permissions (scopes)' }}
          testIds={{ item: 'x-step', safety: 'x-safety', diff: 'x-diff', before: 'x-before', after: 'x-after', request: 'x-request' }}
        />
      </ol>,
    );
    const item = screen.getByTestId('x-step');
    expect(item.dataset.action).toBe('update');
    expect(item.querySelector('.configure-action.is-update')?.textContent).toBe('Will be changed');
    expect(screen.getByTestId('x-safety').textContent).toBe('Is it safe? People already connected stay connected.');
    const diff = screen.getByTestId('x-diff');
    expect(within(diff).getByRole('rowheader', { name: 'Permissions (scopes)' })).toBeTruthy();
    // A field with no plain name shows as Rust named it.
    expect(within(diff).getByRole('rowheader', { name: 'expires_in' })).toBeTruthy();
    expect(screen.getAllByTestId('x-before').map((td) => td.textContent)).toEqual(['Mail.Read', '1']);
    expect(screen.getAllByTestId('x-after').map((td) => td.textContent)).toEqual(['Mail.ReadWrite', '2']);
    const request = screen.getByTestId('x-request');
    expect(request.querySelector('summary')?.textContent).toBe('What will be sent');
    expect(request.textContent).toContain('PATCH /v3/connectors/microsoft');
    expect(request.querySelector('pre')?.textContent).toContain('"client_secret": "•••"');
    const undo = item.querySelector('details.change-undo');
    expect(undo?.querySelector('summary')?.textContent).toBe('How to undo this');
    expect([...(undo?.querySelectorAll('li') ?? [])].map((li) => li.textContent)).toEqual(UPDATE.undo);
  });

  it('leaves out the parts a step does not have, and test ids a view does not give', () => {
    const nothing: PlanStep = { ...UPDATE, action: 'nothing_to_do', request: null, changes: [], undo: [] };
    render(
      <ol>
        <PlanStepItem step={nothing} actions={ACTIONS} fields={{}} testIds={{ item: 'y-step', diff: 'y-diff', request: 'y-request' }} />
      </ol>,
    );
    const item = screen.getByTestId('y-step');
    expect(item.textContent).toBe('Already right Update the Microsoft connector.');
    expect(item.querySelector('.configure-safety')).toBeNull();
    expect(screen.queryByTestId('y-diff')).toBeNull();
    expect(screen.queryByTestId('y-request')).toBeNull();

    render(
      <ol>
        <PlanStepItem step={UPDATE} actions={ACTIONS} fields={{}} testIds={{ item: 'z-step', diff: 'z-diff', request: 'z-request' }} />
      </ol>,
    );
    const z = screen.getByTestId('z-step');
    expect(z.querySelector('.configure-safety')?.hasAttribute('data-testid')).toBe(false);
    expect(z.querySelector('td')?.hasAttribute('data-testid')).toBe(false);
  });
});

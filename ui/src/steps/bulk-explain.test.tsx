import { fireEvent, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { WhatChanged } from '../bindings/WhatChanged';
import { makeCtx, renderStep } from '../test/requirements';
import { BulkExplainStep } from './bulk-explain';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, bulkWhatChanged: vi.fn() };
});
const m = vi.mocked(api);

const TEXT: WhatChanged = {
  summary: 'Service accounts are gone for new setups.',
  sections: [
    { id: 'before', heading: 'How it used to work', text: ['One service account.'] },
    { id: 'changed', heading: 'What Microsoft changed', text: ['Removed in May 2024.', 'Existing ones keep working.'] },
    { id: 'instead', heading: 'What replaces it', text: ['An admin-consent credential per tenant.'] },
  ],
  next_steps: ['Tenants: a CSV.', 'Admin consent: links.'],
  needs: ['A CSV file of tenants.'],
  docs: [{ label: 'Microsoft: Grant admin consent', topic: { topic: 'microsoft_admin_consent' }, url: 'https://learn.microsoft.com/x' }],
};

beforeEach(() => {
  vi.clearAllMocks();
});

describe('BulkExplainStep', () => {
  it('lays out what Rust says changed, in order, with the docs opened by topic', async () => {
    m.bulkWhatChanged.mockResolvedValue(TEXT);
    const ctx = makeCtx('bulk/explain/new');
    renderStep(BulkExplainStep, ctx);
    expect((await screen.findByTestId('bulk-explain-summary')).textContent).toBe(TEXT.summary);
    const changed = screen.getByTestId('bulk-explain-changed');
    expect(within(changed).getByRole('heading').textContent).toBe('What Microsoft changed');
    expect(changed.textContent).toContain('Removed in May 2024.');
    expect(changed.textContent).toContain('Existing ones keep working.');
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings.slice(0, 3)).toEqual(['How it used to work', 'What Microsoft changed', 'What replaces it']);
    expect(screen.getByTestId('bulk-explain-next').querySelectorAll('li')).toHaveLength(2);
    fireEvent.click(within(screen.getByTestId('bulk-explain-docs')).getByRole('button', { name: /Open Microsoft/ }));
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'microsoft_admin_consent' } });
  });

  it('shows an error card when Rust can not answer', async () => {
    m.bulkWhatChanged.mockRejectedValue(new WizardApiError('internal', 'Broken.'));
    renderStep(BulkExplainStep, makeCtx('bulk/explain/new'));
    expect(await screen.findByText('Broken.')).toBeTruthy();
  });
});

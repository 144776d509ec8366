import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { MissingSteps, PlanPanel } from './plan-panel';

describe('PlanPanel', () => {
  it('shows the title, the steps given and the confirm wording; confirm waits while a plan is read', () => {
    const onConfirm = vi.fn();
    const onReplan = vi.fn();
    const { rerender } = render(
      <PlanPanel
        testIds={{ plan: 'p', confirm: 'p-confirm', replan: 'p-replan' }}
        title="What will change in Nylas"
        confirmLabel="Make this change in Nylas"
        planning={true}
        onConfirm={onConfirm}
        onReplan={onReplan}
      >
        <ol data-testid="p-steps" />
      </PlanPanel>,
    );
    const panel = screen.getByTestId('p');
    expect(within(panel).getByRole('heading', { name: 'What will change in Nylas' })).toBeTruthy();
    expect(panel.contains(screen.getByTestId('p-steps'))).toBe(true);
    const confirm = screen.getByTestId('p-confirm');
    expect(confirm.textContent).toBe('Make this change in Nylas');
    expect(confirm.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(confirm);
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('p-replan'));
    expect(onReplan).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('p-replan').textContent).toBe('Read Nylas again');

    rerender(
      <PlanPanel
        testIds={{ plan: 'p', confirm: 'p-confirm', replan: 'p-replan' }}
        title="t"
        confirmLabel="c"
        planning={false}
        onConfirm={onConfirm}
        onReplan={onReplan}
      >
        <ol />
      </PlanPanel>,
    );
    expect(screen.getByTestId('p-confirm').hasAttribute('aria-disabled')).toBe(false);
    fireEvent.click(screen.getByTestId('p-confirm'));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});

describe('MissingSteps', () => {
  const missing = [
    { what: 'A Nylas API key', step: 'nylas-account', step_title: 'Nylas account' },
    { what: 'An Azure app', step: 'azure-app', step_title: 'Azure app' },
  ];

  it('names each missing thing with a button back to its step', () => {
    const onGoBack = vi.fn();
    render(<MissingSteps prefix="x" heading="First, an earlier step needs finishing:" missing={missing} itemTestIds onGoBack={onGoBack} />);
    const box = screen.getByTestId('x-missing');
    expect(box.getAttribute('role')).toBe('status');
    expect(box.querySelector('strong')?.textContent).toBe('First, an earlier step needs finishing:');
    expect(screen.getByTestId('x-missing-azure-app').textContent).toBe('An Azure app Go back to Azure app');
    fireEvent.click(screen.getByTestId('x-goto-nylas-account'));
    expect(onGoBack).toHaveBeenCalledWith('nylas-account');
  });

  it('gives the lines no test id unless asked', () => {
    render(<MissingSteps prefix="y" heading="h" missing={missing} onGoBack={vi.fn()} />);
    expect(screen.queryByTestId('y-missing-azure-app')).toBeNull();
    expect(screen.getByTestId('y-goto-azure-app').textContent).toBe('Go back to Azure app');
  });
});

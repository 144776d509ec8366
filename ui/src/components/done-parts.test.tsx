import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { fixtureProgress, makeCtx } from '../test/requirements';
import { LeftToDo, NextSteps, ReportSave, plural } from './done-parts';

describe('Done parts', () => {
  it('counts in words', () => {
    expect(plural(1, 'thing is', 'things are')).toBe('1 thing is');
    expect(plural(3, 'thing is', 'things are')).toBe('3 things are');
  });

  it('lists what is left, a button to each step that does it', () => {
    const onGo = vi.fn();
    render(
      <LeftToDo
        left={[
          { text: 'Sign in once to test.', step: 'test-sign-in' },
          { text: 'Tick the dashboard step.', step: null },
        ]}
        stepTitle={(s) => (s === 'test-sign-in' ? 'Test sign-in' : s)}
        onGo={onGo}
      />,
    );
    expect(screen.getByRole('heading').textContent).toBe('Almost there: 2 things are still to do');
    expect(screen.getAllByTestId('done-left-item').map((li) => li.textContent)).toEqual([
      'Sign in once to test.Go to Test sign-in',
      'Tick the dashboard step.',
    ]);
    fireEvent.click(screen.getByTestId('done-go-test-sign-in'));
    expect(onGo).toHaveBeenCalledWith('test-sign-in');
  });

  it('saves the report, then shows its paths and the folder button', () => {
    const onSave = vi.fn();
    const onOpenFolder = vi.fn();
    const { rerender } = render(
      <ReportSave help="A Markdown file." saving={false} saved={null} onSave={onSave} onOpenFolder={onOpenFolder} />,
    );
    expect(screen.getByTestId('done-save').querySelector('.group-help')?.textContent).toBe('A Markdown file.');
    expect(screen.getByTestId('done-save-button').textContent).toBe('Save the report');
    expect(screen.queryByTestId('done-open-folder')).toBeNull();
    fireEvent.click(screen.getByTestId('done-save-button'));
    expect(onSave).toHaveBeenCalledTimes(1);

    rerender(
      <ReportSave help="h" saving={true} saved={null} onSave={onSave} onOpenFolder={onOpenFolder}>
        <p data-testid="after">error</p>
      </ReportSave>,
    );
    expect(screen.getByTestId('done-save-button').textContent).toBe('Saving…');
    expect(screen.getByTestId('done-save-button').getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByTestId('done-save').lastElementChild).toBe(screen.getByTestId('after'));

    rerender(
      <ReportSave help="h" saving={false} saved={{ markdown: '/r/setup.md', json: '/r/setup.json', folder: '/r' }} onSave={onSave} onOpenFolder={onOpenFolder} />,
    );
    expect(screen.getByTestId('done-save-button').textContent).toBe('Save it again');
    expect(screen.getByTestId('done-saved-markdown').textContent).toBe('/r/setup.md');
    expect(screen.getByTestId('done-saved-json').textContent).toBe('/r/setup.json');
    fireEvent.click(screen.getByTestId('done-open-folder'));
    expect(onOpenFolder).toHaveBeenCalledTimes(1);
  });

  it('shows what to do next with its docs link', () => {
    const ctx = makeCtx(fixtureProgress('v3/region/new'));
    render(
      <NextSteps
        title="What to do next"
        next={[{ text: 'Read about grants.', doc: { label: 'Grants', url: 'https://dashboard-v3.nylas.com/', topic: { topic: 'nylas_dashboard' } } }]}
        ctx={ctx}
      />,
    );
    expect(screen.getByRole('heading', { name: 'What to do next' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Grants' }));
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'nylas_dashboard' } });
  });
});

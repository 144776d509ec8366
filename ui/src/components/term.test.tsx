import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { GLOSSARY, Term } from './term';

describe('help in place (issue 17, point 12)', () => {
  it('explains a word in one plain sentence on hover and on keyboard focus, with a docs link', () => {
    const onOpen = vi.fn();
    render(
      <p>
        Your{' '}
        <Term term="tenant" onOpen={onOpen}>
          tenant
        </Term>
      </p>,
    );
    const word = screen.getByRole('button', { name: 'tenant' });
    const tip = screen.getByTestId('term-tip-tenant');
    expect(tip.hidden).toBe(true);
    // Screen readers get the sentence as the word's description.
    expect(word.getAttribute('aria-describedby')).toBe(tip.id);
    expect(tip.getAttribute('role')).toBe('tooltip');

    fireEvent.mouseEnter(screen.getByTestId('term-tenant'));
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toContain(GLOSSARY.tenant.text);
    fireEvent.mouseLeave(screen.getByTestId('term-tenant'));
    expect(tip.hidden).toBe(true);

    fireEvent.focusIn(word);
    expect(tip.hidden).toBe(false);
    expect(word.getAttribute('aria-expanded')).toBe('true');
    // Focus may move into the docs link without closing it.
    const docs = screen.getByTestId('term-docs-tenant');
    fireEvent.focusOut(word, { relatedTarget: docs });
    expect(tip.hidden).toBe(false);
    fireEvent.click(docs);
    expect(onOpen).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'microsoft_tenant_id' } });
    // Esc closes it.
    fireEvent.keyDown(docs, { key: 'Escape' });
    expect(tip.hidden).toBe(true);
  });

  it('has a sentence and a docs page for each of the five words', () => {
    expect(Object.keys(GLOSSARY).sort()).toEqual(['admin_consent', 'client_secret', 'manifest', 'redirect_uri', 'tenant']);
    for (const g of Object.values(GLOSSARY)) {
      expect(g.text.split('. ').length).toBeLessThanOrEqual(2);
      expect(g.topic.topic).toMatch(/^microsoft_/);
    }
  });
});

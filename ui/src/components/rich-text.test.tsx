import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { RichText, splitTechnical } from './rich-text';

describe('RichText', () => {
  it('sets addresses and permission names in monospace, keeping the words and the full stop', () => {
    const fix =
      'Open Authentication → Platform configurations → Web → Add URI, paste https://api.eu.nylas.com/v3/connect/callback exactly as shown. Tick Mail.ReadWrite, Place.Read.All and offline_access.';
    const { container } = render(
      <p>
        <RichText text={fix} />
      </p>,
    );
    const codes = Array.from(container.querySelectorAll('code')).map((c) => c.textContent);
    expect(codes).toEqual([
      'https://api.eu.nylas.com/v3/connect/callback',
      'Mail.ReadWrite',
      'Place.Read.All',
      'offline_access',
    ]);
    expect(container.textContent).toBe(fix);
  });

  it('leaves a trailing slash on an address (it matters) but not a sentence-ending full stop', () => {
    expect(splitTechnical('Found https://api.us.nylas.com/v3/connect/callback/.')[1]).toBe(
      'https://api.us.nylas.com/v3/connect/callback/',
    );
    expect(splitTechnical("the URI 'https://x.example/cb' is wrong")[1]).toBe('https://x.example/cb');
  });

  it('leaves ordinary sentences alone', () => {
    expect(splitTechnical('Click Save. You can then remove it.')).toEqual(['Click Save. You can then remove it.']);
  });
});

// Test setup: unmount after each test, and make sure nothing ever reaches the
// real IPC bridge (views go through a mocked api.ts; api.test.ts drives this
// mock directly).
import { cleanup } from '@testing-library/preact';
import { afterEach, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({
  invoke: vi.fn(() => Promise.reject(new Error('The real Tauri IPC must not be called in unit tests.'))),
}));

afterEach(() => {
  cleanup();
});

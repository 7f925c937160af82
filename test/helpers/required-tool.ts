// Tests that run a real component (HAProxy, Chromium, tmux) never skip: without it they fail,
// and the failure says what is missing and how to get it (`make test` installs it as root).
import { expect } from 'vitest';

/** Fails the calling test (or hook) when `found` is false, naming the tool and its package. */
export function requireTool(found: boolean, tool: string, pkg = tool): void {
  expect(found, `${tool} is not installed: make test installs it as root (apt-get install ${pkg})`).toBe(true);
}

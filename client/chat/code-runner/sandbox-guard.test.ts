import { describe, expect, it } from 'vitest';
import { blockGlobals, BLOCKED_MESSAGE } from './sandbox-guard.ts';

/** A global object shaped like a worker's: some functions on the instance, some inherited. */
function fakeScope() {
  class Base {
    fetch(): string {
      return 'network';
    }
    get indexedDB(): object {
      return { open: () => 'db' };
    }
  }
  class Scope extends Base {
    WebSocket = function () {
      return 'socket';
    };
  }
  return new Scope() as unknown as Record<string, unknown> & object;
}

describe('blockGlobals', () => {
  it('refuses fetch even when it is reached through the prototype the global inherits it from', () => {
    const scope = fakeScope();
    blockGlobals(scope, ['fetch', 'WebSocket', 'indexedDB']);
    expect(() => (scope.fetch as () => void)()).toThrow(BLOCKED_MESSAGE);
    const proto = Object.getPrototypeOf(scope) as Record<string, unknown>;
    const inherited = Object.getPrototypeOf(proto) as Record<string, () => void>;
    expect(() => inherited.fetch!()).toThrow(`${BLOCKED_MESSAGE}: fetch is not available.`);
    expect(() => new (scope.WebSocket as new () => unknown)()).toThrow(BLOCKED_MESSAGE);
    expect(() => scope.indexedDB).toThrow(BLOCKED_MESSAGE);
  });

  it('a blocked global cannot be put back', () => {
    const scope = fakeScope();
    blockGlobals(scope, ['fetch']);
    expect(() => {
      'use strict';
      scope.fetch = () => 'network';
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(scope, 'fetch', { value: () => 'network' })).toThrow(TypeError);
  });

  it('names absent from the scope are blocked too (a later polyfill finds them taken)', () => {
    const scope = fakeScope();
    blockGlobals(scope, ['WebTransport']);
    expect(() => (scope.WebTransport as () => void)()).toThrow(BLOCKED_MESSAGE);
  });

  it('fails loudly when a global cannot be replaced, so no code runs unguarded', () => {
    const scope = fakeScope();
    Object.defineProperty(scope, 'fetch', { value: () => 'network', writable: false, configurable: false });
    expect(() => blockGlobals(scope, ['fetch'])).toThrow('fetch could not be blocked');
  });
});

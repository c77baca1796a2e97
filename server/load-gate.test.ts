import { describe, expect, it } from 'vitest';
import { LoadGate } from './load-gate.ts';

describe('LoadGate', () => {
  it('lets a document holding a slot through, queues others past the cap, in order, until a slot is released', () => {
    const gate = new LoadGate(2);
    const ran: string[] = [];
    gate.admit('a', 'd1', () => ran.push('d1#1'));
    gate.admit('b', 'd2', () => ran.push('d2#1'));
    gate.admit('a', 'd3', () => ran.push('d3#1'));
    gate.admit('a', 'd1', () => ran.push('d1#2')); // holds a slot: through
    gate.admit('a', 'd3', () => ran.push('d3#2')); // waits behind its first message
    gate.admit('b', 'd4', () => ran.push('d4#1'));
    expect(ran).toEqual(['d1#1', 'd2#1', 'd1#2']);
    expect(gate.waiting).toBe(2);
    gate.release('a', 'd1');
    expect(ran.slice(3)).toEqual(['d3#1', 'd3#2']);
    expect(gate.holds('a', 'd3')).toBe(true);
    gate.release('a', 'd1'); // not held any more: no effect
    expect(gate.waiting).toBe(1);
    gate.release('b', 'd2');
    expect(ran.slice(5)).toEqual(['d4#1']);
    expect(gate.held).toBe(2);
  });

  it("drops a closed account's waiting messages", () => {
    const gate = new LoadGate(1);
    const ran: string[] = [];
    gate.admit('a', 'd1', () => ran.push('a1'));
    gate.admit('b', 'd2', () => ran.push('b2'));
    gate.releaseAccount('b');
    gate.release('a', 'd1');
    expect(ran).toEqual(['a1']);
    expect(gate.waiting).toBe(0);
    expect(gate.held).toBe(0);
  });
});

describe('LoadGate overflow', () => {
  it('admits the document waiting longest past the cap, with its messages in order', () => {
    const gate = new LoadGate(1);
    const ran: string[] = [];
    gate.admit('a', 'd1', () => ran.push('d1'));
    gate.admit('a', 'd2', () => ran.push('d2#1'));
    gate.admit('a', 'd2', () => ran.push('d2#2'));
    gate.admit('a', 'd3', () => ran.push('d3'));
    expect(gate.overflow()).toBe(1);
    expect(ran).toEqual(['d1', 'd2#1', 'd2#2']);
    expect(gate.held).toBe(2);
    gate.release('a', 'd1'); // still at the cap: d3 keeps waiting
    expect(gate.waiting).toBe(1);
    gate.release('a', 'd2');
    expect(ran).toEqual(['d1', 'd2#1', 'd2#2', 'd3']);
    expect(gate.overflow()).toBe(0);
  });

  it('admits several at once when asked, longest waiting first, and no more than wait', () => {
    const gate = new LoadGate(1);
    const ran: string[] = [];
    for (const d of ['d1', 'd2', 'd3', 'd4']) gate.admit('a', d, () => ran.push(d));
    expect(gate.overflow(2)).toBe(2);
    expect(ran).toEqual(['d1', 'd2', 'd3']);
    expect(gate.overflow(5)).toBe(1);
    expect(ran).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(gate.held).toBe(4);
  });

  it('enter() lets a message through at once only when it would not jump the queue', () => {
    const gate = new LoadGate(1);
    expect(gate.enter('a', 'd1')).toBe(true);
    expect(gate.enter('a', 'd1')).toBe(true); // holds its slot
    expect(gate.enter('a', 'd2')).toBe(false); // no free slot
    const ran: string[] = [];
    gate.admit('a', 'd2', () => ran.push('d2'));
    gate.release('a', 'd1');
    expect(ran).toEqual(['d2']);
    expect(gate.enter('a', 'd1')).toBe(false); // the cap is taken by d2
    gate.admit('a', 'd3', () => ran.push('d3'));
    gate.release('a', 'd2');
    // d3 waited first: a free slot goes to it, not to a newcomer
    expect(ran).toEqual(['d2', 'd3']);
    expect(gate.enter('b', 'd4')).toBe(false);
  });
});

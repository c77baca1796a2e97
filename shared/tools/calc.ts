/*
 * A safe arithmetic evaluator for the calculator tool: a tokenizer and a recursive-descent
 * parser over numbers, + - * / % ^ (right-associative), parentheses, unary minus, a few
 * constants and functions. No `eval`, no property access, nothing else.
 */

const FUNCS: Record<string, (...a: number[]) => number> = {
  sqrt: Math.sqrt, abs: Math.abs, round: Math.round, floor: Math.floor, ceil: Math.ceil,
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  ln: Math.log, log: Math.log10, log2: Math.log2, exp: Math.exp, min: Math.min, max: Math.max, pow: Math.pow,
};
const CONSTS: Record<string, number> = { pi: Math.PI, e: Math.E };

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) { out.push({ t: 'num', v: Number(num[0]) }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'id', v: id[0].toLowerCase() }); i += id[0].length; continue; }
    if (src.startsWith('**', i)) { out.push({ t: 'op', v: '^' }); i += 2; continue; }
    if ('+-*/%^(),×÷'.includes(c)) { out.push({ t: 'op', v: c === '×' ? '*' : c === '÷' ? '/' : c }); i++; continue; }
    throw new Error(`unexpected character “${c}” at ${i + 1}`);
  }
  return out;
}

export function evaluate(expression: string): number {
  if (expression.length > 1000) throw new Error('expression too long');
  const toks = tokenize(expression);
  let pos = 0;
  const peek = () => toks[pos];
  const isOp = (v: string) => { const k = peek(); return k?.t === 'op' && k.v === v; };
  const expect = (v: string) => { if (!isOp(v)) throw new Error(`expected “${v}”`); pos++; };

  const expr = (): number => {
    let v = term();
    while (isOp('+') || isOp('-')) { const op = (toks[pos++] as { v: string }).v; const r = term(); v = op === '+' ? v + r : v - r; }
    return v;
  };
  const term = (): number => {
    let v = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = (toks[pos++] as { v: string }).v;
      const r = unary();
      v = op === '*' ? v * r : op === '/' ? v / r : v % r;
    }
    return v;
  };
  const unary = (): number => {
    if (isOp('-')) { pos++; return -unary(); }
    if (isOp('+')) { pos++; return unary(); }
    return power();
  };
  const power = (): number => {
    const base = primary();
    if (isOp('^')) { pos++; return Math.pow(base, unary()); }
    return base;
  };
  const primary = (): number => {
    const k = peek();
    if (!k) throw new Error('unexpected end of expression');
    if (k.t === 'num') { pos++; return k.v; }
    if (k.t === 'op' && k.v === '(') { pos++; const v = expr(); expect(')'); return v; }
    if (k.t === 'id') {
      pos++;
      if (isOp('(')) {
        const f = Object.hasOwn(FUNCS, k.v) ? FUNCS[k.v] : undefined;
        if (!f) throw new Error(`unknown function “${k.v}”`);
        pos++;
        const args: number[] = [];
        if (!isOp(')')) { args.push(expr()); while (isOp(',')) { pos++; args.push(expr()); } }
        expect(')');
        return f(...args);
      }
      if (Object.hasOwn(CONSTS, k.v)) return CONSTS[k.v]!;
      throw new Error(`unknown name “${k.v}”`);
    }
    throw new Error(`unexpected “${k.v}”`);
  };
  const v = expr();
  if (pos < toks.length) throw new Error(`unexpected “${String(toks[pos]!.v)}”`);
  return v;
}

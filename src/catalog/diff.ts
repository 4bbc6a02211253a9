/** A unified text diff (Myers, GNU format) for comparing versions: no dependency needed for one function. */

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines with their terminators, so a missing final newline is a difference (as GNU diff sees it). */
const splitLines = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/**
 * GNU-style unified diff of two texts (`@@ -l,n +l,n @@` hunks, `context` lines around changes, hunks that
 * touch merged, `\ No newline at end of file` where it applies). Empty when the texts are equal.
 */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const changes = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]));
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  let g = 0;
  while (g < changes.length) {
    // A hunk runs while the gap between changes is small enough for their contexts to touch.
    let last = g;
    while (last + 1 < changes.length && changes[last + 1]! - changes[last]! <= 2 * context + 1) last++;
    const start = Math.max(0, changes[g]! - context);
    const end = Math.min(ops.length, changes[last]! + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (let i = 0; i < start; i++) {
      if (ops[i]!.kind !== '+') oldLine++;
      if (ops[i]!.kind !== '-') newLine++;
    }
    const body = ops.slice(start, end);
    const oldCount = body.filter((o) => o.kind !== '+').length;
    const newCount = body.filter((o) => o.kind !== '-').length;
    out += `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n`;
    for (const op of body) {
      out += op.line.endsWith('\n') ? `${op.kind}${op.line}` : `${op.kind}${op.line}\n\\ No newline at end of file\n`;
    }
    g = last + 1;
  }
  return out;
}

/** `l,n`; GNU writes `l` alone for one line and the line before for none. */
const range = (start: number, count: number): string =>
  count === 0 ? `${start - 1},0` : count === 1 ? `${start}` : `${start},${count}`;

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let endA = a.length;
  let endB = b.length;
  while (endA > head && endB > head && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (line: string): Op => ({ kind: ' ', line });
  return [...a.slice(0, head).map(same), ...myers(a.slice(head, endA), b.slice(head, endB)), ...a.slice(endA).map(same)];
}

/** Past this many differences the trace (quadratic in them) is not worth it: replace everything. */
const MAX_EDIT_DISTANCE = 2000;

/**
 * Myers' O(ND) shortest edit script. `v[k]` is the furthest x reached on diagonal k (-1: not reached); moves
 * never leave the edit grid, so the search ends exactly at (n, m).
 */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3).fill(-1);
  v[off + 1] = 0;
  // trace[d] holds v for k in [-d-1, d+1] as it was before step d.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    const before = v.slice(off - d - 1, off + d + 2);
    trace.push(before);
    for (let k = -d; k <= d; k += 2) {
      const from = previousDiagonal((j) => before[j + d + 1]!, k, n, m);
      if (from === null) {
        v[off + k] = -1;
        continue;
      }
      let x = from === k + 1 ? before[k + 1 + d + 1]! : before[k - 1 + d + 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x === n && y === m) return groupChanges(backtrack(trace, a, b));
    }
  }
  return replaceAll(a, b);
}

/** Which diagonal step d's point on diagonal k comes from: k + 1 (an insertion), k - 1 (a deletion), or none. */
function previousDiagonal(at: (k: number) => number, k: number, n: number, m: number): number | null {
  const down = at(k + 1);
  const right = at(k - 1) >= 0 ? at(k - 1) + 1 : -1;
  const downOk = down >= 0 && down - k <= m;
  const rightOk = right >= 0 && right <= n;
  if (downOk && (!rightOk || down >= right)) return k + 1;
  return rightOk ? k - 1 : null;
}

function backtrack(trace: Int32Array[], a: string[], b: string[]): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const at = (k: number): number => v[k + d + 1]!;
    const k = x - y;
    const prevK = previousDiagonal(at, k, a.length, b.length)!;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const startX = prevK === k + 1 ? prevX : prevX + 1;
    while (x > startX) {
      ops.push({ kind: ' ', line: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (prevK === k + 1) ops.push({ kind: '+', line: b[y - 1]! });
      else ops.push({ kind: '-', line: a[x - 1]! });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function replaceAll(a: string[], b: string[]): Op[] {
  return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
}

/** Within each run of changes, deletions first, as diff and git print them. */
function groupChanges(ops: Op[]): Op[] {
  const out: Op[] = [];
  let dels: Op[] = [];
  let adds: Op[] = [];
  const flush = () => {
    out.push(...dels, ...adds);
    dels = [];
    adds = [];
  };
  for (const op of ops) {
    if (op.kind === '-') dels.push(op);
    else if (op.kind === '+') adds.push(op);
    else {
      flush();
      out.push(op);
    }
  }
  flush();
  return out;
}

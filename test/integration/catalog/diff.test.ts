import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/catalog/diff.ts';

const lines = (...l: string[]) => l.join('\n') + '\n';
const numbered = (n: number, change: Record<number, string> = {}) =>
  lines(...Array.from({ length: n }, (_, i) => change[i + 1] ?? `line ${i + 1}`));

/** Applies a unified diff produced by unifiedDiff (test oracle: hunks must replay onto the old text). */
function applyPatch(oldText: string, patch: string): string {
  const old = oldText.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  let at = 0;
  const rows = patch.split('\n').slice(2);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(row);
    if (hunk) {
      const start = Number(hunk[1]) - (hunk[2] === '0' ? 0 : 1);
      while (at < start) out.push(old[at++]!);
      continue;
    }
    if (row === '') continue;
    const noEol = rows[i + 1] === '\\ No newline at end of file';
    const text = row.slice(1) + (noEol ? '' : '\n');
    if (row[0] === ' ' || row[0] === '-') {
      expect(old[at]).toBe(text);
      at++;
    }
    if (row[0] === ' ' || row[0] === '+') out.push(text);
    if (noEol) i++;
  }
  while (at < old.length) out.push(old[at++]!);
  return out.join('');
}

function lcsLength(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    }
  }
  return dp[a.length]![b.length]!;
}

describe('unified diff of version texts', () => {
  it('is empty for identical texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'v1', 'v2')).toBe('');
  });

  it('writes one hunk with three lines of context around a change', () => {
    expect(unifiedDiff(numbered(10), numbered(10, { 5: 'five' }), 'v1/content', 'v2/content')).toBe(
      lines('--- v1/content', '+++ v2/content', '@@ -2,7 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+five', ' line 6', ' line 7', ' line 8'),
    );
  });

  it('merges changes whose contexts touch and splits those that do not', () => {
    const merged = unifiedDiff(numbered(20), numbered(20, { 3: 'x', 9: 'y' }), 'a', 'b');
    expect(merged.match(/^@@.*$/gm)).toEqual(['@@ -1,12 +1,12 @@']);
    const split = unifiedDiff(numbered(20), numbered(20, { 3: 'x', 11: 'y' }), 'a', 'b');
    expect(split.match(/^@@.*$/gm)).toEqual(['@@ -1,6 +1,6 @@', '@@ -8,7 +8,7 @@']);
  });

  it('follows GNU diff for empty sides, single lines and a missing final newline', () => {
    expect(unifiedDiff('', 'a\nb\n', 'a', 'b')).toBe(lines('--- a', '+++ b', '@@ -0,0 +1,2 @@', '+a', '+b'));
    expect(unifiedDiff('a\n', '', 'a', 'b')).toBe(lines('--- a', '+++ b', '@@ -1 +0,0 @@', '-a'));
    expect(unifiedDiff('a\nb', 'a\nb\n', 'a', 'b')).toBe(
      lines('--- a', '+++ b', '@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b'),
    );
    expect(unifiedDiff(numbered(3), lines('line 1', 'line 2', 'inserted', 'line 3'), 'a', 'b')).toBe(
      lines('--- a', '+++ b', '@@ -1,3 +1,4 @@', ' line 1', ' line 2', '+inserted', ' line 3'),
    );
  });

  it('prints deletions before insertions within a change', () => {
    expect(unifiedDiff(lines('a', 'b', 'c', 'd'), lines('a', 'x', 'y', 'd'), 'a', 'b')).toBe(
      lines('--- a', '+++ b', '@@ -1,4 +1,4 @@', ' a', '-b', '-c', '+x', '+y', ' d'),
    );
  });

  it('replays onto the old text and is a shortest edit, on many random pairs', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const text = () => {
      const l = Array.from({ length: Math.floor(random() * 14) }, () => 'abcdef'[Math.floor(random() * 6)]!);
      return l.join('\n') + (l.length > 0 && random() < 0.8 ? '\n' : '');
    };
    for (let i = 0; i < 500; i++) {
      const a = text();
      const b = text();
      const patch = unifiedDiff(a, b, 'a', 'b');
      if (a === b) {
        expect(patch).toBe('');
        continue;
      }
      expect(applyPatch(a, patch)).toBe(b);
      const al = a.match(/[^\n]*\n|[^\n]+$/g) ?? [];
      const bl = b.match(/[^\n]*\n|[^\n]+$/g) ?? [];
      const edits = patch.split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l)).length;
      expect(edits).toBe(al.length + bl.length - 2 * lcsLength(al, bl));
    }
  });

  it('stays quick on large, entirely different texts', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `old ${i}`).join('\n');
    const b = Array.from({ length: 5000 }, (_, i) => `new ${i}`).join('\n');
    const started = Date.now();
    const patch = unifiedDiff(a, b, 'a', 'b');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(patch.startsWith('--- a\n+++ b\n@@ -1,5000 +1,5000 @@\n-old 0\n')).toBe(true);
  });
});

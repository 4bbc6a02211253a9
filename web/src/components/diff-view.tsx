/**
 * Side-by-side diff of two versions with a one-line summary ("2 lines added, 1 removed"): the summary comes
 * from a line diff computed here, the sides from the read-only MergeView in `code-diff.tsx`. Import it only
 * from lazy pages (CodeMirror is its own chunk).
 */
import { CodeDiff } from './code-diff';
import type { CodeLanguage } from './code-setup';

export interface LineDiffSummary {
  added: number;
  removed: number;
}

/** How many lines `after` adds to and removes from `before` (longest common subsequence of lines). */
export function lineDiffSummary(before: string, after: string): LineDiffSummary {
  const a = before.split('\n');
  const b = after.split('\n');
  // Common prefix and suffix first: versions usually differ in a few lines, which keeps the table small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length * y.length > 4_000_000) return { added: y.length, removed: x.length };
  let prev = new Array<number>(y.length + 1).fill(0);
  for (let i = 1; i <= x.length; i++) {
    const row = new Array<number>(y.length + 1).fill(0);
    for (let j = 1; j <= y.length; j++) row[j] = x[i - 1] === y[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    prev = row;
  }
  const common = prev[y.length]!;
  return { added: y.length - common, removed: x.length - common };
}

const plural = (n: number, word: string) => `${n} line${n === 1 ? '' : 's'} ${word}`;

export function DiffView(props: { before: string; after: string; language?: CodeLanguage; beforeLabel: string; afterLabel: string }) {
  const { added, removed } = lineDiffSummary(props.before, props.after);
  return (
    <div className="space-y-2" data-testid="diff-view">
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {added === 0 && removed === 0 ? (
          `${props.beforeLabel} and ${props.afterLabel} are identical.`
        ) : (
          <>
            {props.beforeLabel} → {props.afterLabel}: <span className="font-medium text-success">{plural(added, 'added')}</span>,{' '}
            <span className="font-medium text-destructive">{plural(removed, 'removed')}</span>
          </>
        )}
      </p>
      <CodeDiff before={props.before} after={props.after} language={props.language} beforeLabel={props.beforeLabel} afterLabel={props.afterLabel} collapseUnchanged={false} />
    </div>
  );
}

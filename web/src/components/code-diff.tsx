/**
 * Side-by-side, read-only diff of two texts (@codemirror/merge), e.g. two versions of an endpoint.
 *   <CodeDiff before={v1.content} after={v2.content} language="sql" beforeLabel="v1" afterLabel="v2" />
 * Like CodeEditor, import it only from lazy pages.
 */
import { useEffect, useRef } from 'react';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { MergeView } from '@codemirror/merge';
import { baseSetup, highlighting, languageSupport, type CodeLanguage } from './code-setup';
import { useTheme } from '../lib/theme';

export function CodeDiff(props: {
  before: string;
  after: string;
  language?: CodeLanguage;
  beforeLabel?: string;
  afterLabel?: string;
  /** Collapse long unchanged stretches (default true). */
  collapseUnchanged?: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const { dark } = useTheme();

  useEffect(() => {
    const side = (label: string) => [
      baseSetup(),
      languageSupport(props.language ?? 'text', {}),
      highlighting(dark),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.contentAttributes.of({ 'aria-label': label }),
    ];
    const merge = new MergeView({
      parent: host.current!,
      a: { doc: props.before, extensions: side(props.beforeLabel ?? 'Before') },
      b: { doc: props.after, extensions: side(props.afterLabel ?? 'After') },
      collapseUnchanged: props.collapseUnchanged === false ? undefined : { margin: 3, minSize: 4 },
      gutter: true,
    });
    return () => merge.destroy();
  }, [props.before, props.after, props.language, props.beforeLabel, props.afterLabel, props.collapseUnchanged, dark]);

  return (
    <div className="overflow-hidden rounded-md border">
      {(props.beforeLabel || props.afterLabel) && (
        <div className="grid grid-cols-2 border-b bg-muted text-xs font-medium text-muted-foreground">
          <div className="px-3 py-1.5">{props.beforeLabel ?? 'Before'}</div>
          <div className="border-l px-3 py-1.5">{props.afterLabel ?? 'After'}</div>
        </div>
      )}
      <div ref={host} />
    </div>
  );
}

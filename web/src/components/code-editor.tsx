/**
 * CodeMirror 6 editor as a controlled React input. Import it only from lazily loaded pages: CodeMirror lives in
 * its own chunk that other pages never load.
 *   <CodeEditor label="SQL" language="sql" value={content} onChange={setContent}
 *               sqlSchema={{ tracks: ['track_id', 'name'] }} completions={['limit', 'offset']} />
 * The editable area is a textbox named by `label`: `page.getByRole('textbox', { name: 'SQL' }).fill('select 1')`.
 * Undo/redo: Mod-Z / Mod-Y (Mod-Shift-Z); Tab indents, Escape then Tab leaves the editor. Follows the app's dark mode by itself.
 */
import { useEffect, useRef } from 'react';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, placeholder as placeholderExt } from '@codemirror/view';
import type { Completion, CompletionSource } from '@codemirror/autocomplete';
import { baseSetup, highlighting, languageSupport, type CodeLanguage, type SqlFlavour, type SqlSchema } from './code-setup';
import { useTheme } from '../lib/theme';
import { cn } from '../lib/cn';

export type { CodeLanguage, SqlFlavour, SqlSchema };

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  /** Accessible name of the editable area (required: tests and screen readers find the editor by it). */
  label: string;
  language?: CodeLanguage;
  sqlFlavour?: SqlFlavour;
  sqlSchema?: SqlSchema;
  /** Extra completions (parameter names, macro names, `ctx.` helpers…). */
  completions?: readonly (string | Completion)[];
  /** Context-aware completion sources (keep the array stable, e.g. with useMemo). */
  completionSources?: readonly CompletionSource[];
  readOnly?: boolean;
  placeholder?: string;
  /** CSS min-height of the editor, e.g. '12rem' (default) or '100%'. */
  minHeight?: string;
  className?: string;
  invalid?: boolean;
  id?: string;
  'aria-describedby'?: string;
}

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const { dark } = useTheme();
  const compartments = useRef({
    language: new Compartment(),
    theme: new Compartment(),
    readOnly: new Compartment(),
    attrs: new Compartment(),
  });

  const attrs = () =>
    EditorView.contentAttributes.of({
      'aria-label': props.label,
      ...(props.id ? { id: props.id } : {}),
      ...(props['aria-describedby'] ? { 'aria-describedby': props['aria-describedby'] } : {}),
      ...(props.invalid ? { 'aria-invalid': 'true' } : {}),
    });
  const lang = () =>
    languageSupport(props.language ?? 'text', {
      sqlFlavour: props.sqlFlavour,
      sqlSchema: props.sqlSchema,
      completions: props.completions,
      completionSources: props.completionSources,
    });
  const ro = () => [EditorState.readOnly.of(!!props.readOnly), EditorView.editable.of(!props.readOnly)];

  // Create once; later prop changes reconfigure compartments.
  useEffect(() => {
    const c = compartments.current;
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          baseSetup(),
          c.language.of(lang()),
          c.theme.of(highlighting(dark)),
          c.readOnly.of(ro()),
          c.attrs.of(attrs()),
          props.placeholder ? placeholderExt(props.placeholder) : [],
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.theme.reconfigure(highlighting(dark)) });
  }, [dark]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.language.reconfigure(lang()) });
  }, [props.language, props.sqlFlavour, props.sqlSchema, props.completions, props.completionSources]);

  useEffect(() => {
    const c = compartments.current;
    view.current?.dispatch({ effects: [c.readOnly.reconfigure(ro()), c.attrs.reconfigure(attrs())] });
  }, [props.readOnly, props.label, props.invalid, props.id, props['aria-describedby']]);

  // A new value from outside (load, restore a version) replaces the text; typing does not loop back.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return (
    <div
      ref={host}
      className={cn(
        'overflow-hidden rounded-md border border-input focus-within:ring-2 focus-within:ring-ring',
        props.invalid && 'border-destructive',
        props.className,
      )}
      style={{ minHeight: props.minHeight ?? '12rem', display: 'grid' }}
    />
  );
}

/**
 * The CodeMirror 6 setup shared by the editor and the diff view, assembled from the @codemirror/* packages
 * (what `codemirror`'s basicSetup holds, plus the app's chrome and highlighting that follow light/dark).
 * Tab indents; Escape then Tab (or Ctrl-M / Alt-Shift-M to toggle tab-focus mode) moves focus on, as
 * CodeMirror documents for keyboard users.
 */
import { EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import {
  HighlightStyle,
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  type Completion,
  type CompletionContext,
  type CompletionSource,
} from '@codemirror/autocomplete';
import { sql, PostgreSQL, MySQL, SQLite, StandardSQL, type SQLDialect } from '@codemirror/lang-sql';
import { javascript } from '@codemirror/lang-javascript';
import { tags as t } from '@lezer/highlight';

export type CodeLanguage = 'sql' | 'javascript' | 'text';
export type SqlFlavour = 'postgres' | 'mysql' | 'sqlite' | 'standard';

/** Table → column names, for SQL completion (`{ tracks: ['id', 'name'], albums: [...] }`). */
export type SqlSchema = Record<string, readonly string[]>;

// ---- looks ---------------------------------------------------------------------------------------------
/** Editor chrome from the app's CSS variables, so it follows light/dark with the page. */
const chrome = EditorView.theme({
  '&': { backgroundColor: 'var(--background)', color: 'var(--foreground)', fontSize: '13px', height: '100%' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', caretColor: 'var(--foreground)' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', lineHeight: '1.55' },
  '.cm-gutters': { backgroundColor: 'var(--muted)', color: 'var(--muted-foreground)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in oklab, var(--accent) 55%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--accent)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--foreground)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in oklab, var(--primary) 30%, transparent) !important',
  },
  '.cm-tooltip': { backgroundColor: 'var(--popover)', color: 'var(--popover-foreground)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--primary)', color: 'var(--primary-foreground)' },
});

const darkHighlight = HighlightStyle.define([
  { tag: t.keyword, color: '#c792ea' },
  { tag: [t.name, t.deleted, t.character, t.macroName], color: '#e6edf3' },
  { tag: [t.propertyName], color: '#82aaff' },
  { tag: [t.function(t.variableName), t.labelName], color: '#82aaff' },
  { tag: [t.color, t.constant(t.name), t.standard(t.name)], color: '#f78c6c' },
  { tag: [t.definition(t.name), t.separator], color: '#e6edf3' },
  { tag: [t.typeName, t.className, t.number, t.changed, t.annotation, t.modifier, t.self, t.namespace], color: '#f78c6c' },
  { tag: [t.operator, t.operatorKeyword, t.url, t.escape, t.regexp, t.link, t.special(t.string)], color: '#89ddff' },
  { tag: [t.meta, t.comment], color: '#7d8799', fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: [t.atom, t.bool, t.special(t.variableName)], color: '#f78c6c' },
  { tag: [t.processingInstruction, t.string, t.inserted], color: '#c3e88d' },
  { tag: t.invalid, color: '#ff5370' },
]);

export function highlighting(dark: boolean): Extension {
  return syntaxHighlighting(dark ? darkHighlight : defaultHighlightStyle, { fallback: true });
}

// ---- language -----------------------------------------------------------------------------------------
const dialects: Record<SqlFlavour, SQLDialect> = { postgres: PostgreSQL, mysql: MySQL, sqlite: SQLite, standard: StandardSQL };

export function languageSupport(
  language: CodeLanguage,
  options: {
    sqlFlavour?: SqlFlavour;
    sqlSchema?: SqlSchema;
    completions?: readonly (string | Completion)[];
    /** Context-aware sources (e.g. template tags after `{%`, filters after `|`), added to the language's own. */
    completionSources?: readonly CompletionSource[];
  },
): Extension {
  const extra = (options.completions ?? []).map((c): Completion => (typeof c === 'string' ? { label: c, type: 'variable' } : c));
  // Language data must be attached to the very language in use (each SQL dialect has its own).
  const data = language === 'sql' ? dialects[options.sqlFlavour ?? 'postgres'].language.data : jsLanguageData;
  const extraSource = [
    ...(extra.length
      ? [
          data.of({
            autocomplete: (ctx: CompletionContext) => {
              const word = ctx.matchBefore(/[\w$.]+/);
              if (!word && !ctx.explicit) return null;
              return { from: word?.from ?? ctx.pos, options: extra, validFor: /^[\w$.]*$/ };
            },
          }),
        ]
      : []),
    ...(options.completionSources ?? []).map((source) => data.of({ autocomplete: source })),
  ];
  if (language === 'sql') {
    return [
      sql({ dialect: dialects[options.sqlFlavour ?? 'postgres'], schema: options.sqlSchema, upperCaseKeywords: false }),
      ...extraSource,
    ];
  }
  if (language === 'javascript') return [javascript(), ...extraSource];
  const sources = [...(extra.length ? [extra] : []), ...(options.completionSources ?? [])];
  return sources.length ? [EditorState.languageData.of(() => sources.map((autocomplete) => ({ autocomplete })))] : [];
}

const jsLanguageData = javascript().language.data;

/** Everything but language, theme and read-only state. */
export function baseSetup(): Extension {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    foldGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    autocompletion(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    EditorView.lineWrapping,
    chrome,
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
  ];
}

/**
 * Dark mode, class strategy: `dark` on <html>. The choice ('light' | 'dark' | 'system') is saved in
 * localStorage; 'system' (the default) follows `prefers-color-scheme`, live. public/theme-init.js applies the
 * same rule before the first paint.
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';

export type ThemeChoice = 'light' | 'dark' | 'system';
const KEY = 'portico.theme';
const listeners = new Set<() => void>();

function media(): MediaQueryList | null {
  return typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
}

export function readThemeChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system';
  }
}

export function resolveDark(choice: ThemeChoice): boolean {
  return choice === 'dark' || (choice === 'system' && (media()?.matches ?? false));
}

export function applyTheme(choice: ThemeChoice = readThemeChoice()): void {
  document.documentElement.classList.toggle('dark', resolveDark(choice));
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    /* storage blocked: the choice lasts for this page only */
  }
  applyTheme(choice);
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const m = media();
  const onSystem = () => {
    applyTheme();
    listener();
  };
  m?.addEventListener('change', onSystem);
  return () => {
    listeners.delete(listener);
    m?.removeEventListener('change', onSystem);
  };
}

/** `{ choice, dark, setChoice, toggle }`; toggle flips between light and dark from what is shown now. */
export function useTheme() {
  const choice = useSyncExternalStore(subscribe, readThemeChoice, () => 'system' as const);
  const dark = useSyncExternalStore(subscribe, () => resolveDark(readThemeChoice()), () => false);
  useEffect(() => applyTheme(choice), [choice]);
  const toggle = useCallback(() => setThemeChoice(resolveDark(readThemeChoice()) ? 'light' : 'dark'), []);
  return { choice, dark, setChoice: setThemeChoice, toggle };
}

// Keeps the council's API key for this browser tab only (sessionStorage): closing the tab signs the council out.

const KEY = 'homedata.councilKey';

/** The key this tab signed in with, if any. */
export function storedKey(): string | null {
  return window.sessionStorage.getItem(KEY);
}

/** Remembers the key for this tab. */
export function storeKey(key: string): void {
  window.sessionStorage.setItem(KEY, key);
}

/** Forgets the key. */
export function forgetKey(): void {
  window.sessionStorage.removeItem(KEY);
}

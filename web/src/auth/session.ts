/**
 * The dashboard token, kept in localStorage under `portico.token` (tests may set it directly), and the one
 * hook the API client calls when the server says the session is no longer valid.
 */
export const TOKEN_KEY = 'portico.token';

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* nothing stored */
  }
}

type ExpiredHandler = () => void;
let onExpired: ExpiredHandler = () => {
  window.location.assign(`${import.meta.env.BASE_URL}login?expired=1`);
};

/** main.tsx installs a handler that navigates with the router (keeping the page to come back to). */
export function setSessionExpiredHandler(handler: ExpiredHandler): void {
  onExpired = handler;
}

/** Called by the API client on a 401 from any call but sign-in: forget the token, go to sign-in. */
export function sessionExpired(): void {
  const had = getToken() !== null;
  clearToken();
  if (had) onExpired();
}

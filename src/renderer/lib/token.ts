// The boot token arrives in the URL fragment (never sent to the server, never in a log).
// Keep it in memory and wipe it from the address bar and history at once.
let token: string | null = null;

export function takeBootToken(): string | null {
  if (token !== null) return token;
  const m = /(?:^|[#&])token=([A-Za-z0-9_-]{16,128})/.exec(window.location.hash);
  if (m?.[1] !== undefined) {
    token = m[1];
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return token;
}

// How the host tells its parent it is listening: over Electron's utilityProcess port when it
// has one, otherwise as one JSON line on stdout (systemd, the demo, tests). The token is for
// the parent only; it is never logged.
export interface ReadyMessage {
  type: 'veche-host-ready';
  origin: string;
  token: string;
}

interface ParentPort {
  postMessage(message: unknown): void;
}

export function announceReady(msg: ReadyMessage): void {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort !== undefined) parentPort.postMessage(msg);
  else process.stdout.write(JSON.stringify(msg) + '\n');
}

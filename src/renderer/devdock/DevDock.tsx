// Development and demo only: drives the device simulators through the host's dock.* RPC.
// Deliberately English-only; voters never see it (compiled out of production builds).
import { useCallback, useEffect, useState } from 'react';
import type { RpcResponse } from '../../main/rpc/schema.js';
import { call } from '../lib/rpc.js';

type Paper = RpcResponse<'dock.paper'>;
type Chain = RpcResponse<'dock.chain'>;

export default function DevDock() {
  const [open, setOpen] = useState(true);
  const [people, setPeople] = useState<RpcResponse<'dock.people'>>([]);
  const [person, setPerson] = useState('');
  const [paper, setPaper] = useState<Paper>([]);
  const [message, setMessage] = useState('');
  const [chain, setChain] = useState<Chain | null>(null);

  useEffect(() => {
    void call('dock.people', {}).then((r) => {
      if (r.ok) {
        setPeople(r.value);
        setPerson(r.value[0]?.id ?? '');
      }
    });
  }, []);

  const refreshPaper = useCallback(() => {
    void call('dock.paper', {}).then((r) => r.ok && setPaper(r.value));
    void call('dock.chain', {}).then((r) => setChain(r.ok ? r.value : null));
  }, []);

  useEffect(() => {
    if (!open) return;
    refreshPaper();
    const id = setInterval(refreshPaper, 1500);
    return () => clearInterval(id);
  }, [open, refreshPaper]);

  const report = (r: { ok: boolean; error?: { message: string } }) =>
    setMessage(r.ok ? 'ok' : (r.error?.message ?? 'failed'));

  if (!open) {
    return (
      <button type="button" className="dock-toggle" onClick={() => setOpen(true)}>
        Dev dock
      </button>
    );
  }
  return (
    <aside className="dock" aria-label="Developer dock" data-testid="dev-dock">
      <header>
        <strong>Dev dock</strong>
        <button type="button" onClick={() => setOpen(false)}>
          Hide
        </button>
      </header>
      <fieldset>
        <legend>ID card</legend>
        <select
          aria-label="Sample person"
          value={person}
          onChange={(e) => setPerson(e.target.value)}
        >
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="dock-insert"
          onClick={() => void call('dock.insertCard', { personId: person }).then(report)}
        >
          Insert card
        </button>
        <button
          type="button"
          data-testid="dock-remove"
          onClick={() => void call('dock.removeCard', {}).then(report)}
        >
          Remove card
        </button>
        <button
          type="button"
          onClick={() => void call('dock.injectCardBytes', { hex: 'ff00fe7f0d0a' }).then(report)}
        >
          Send garbage
        </button>
      </fieldset>
      <fieldset>
        <legend>Printer</legend>
        <button
          type="button"
          onClick={() => void call('dock.setPrinterStatus', { paperOut: true }).then(report)}
        >
          Paper out
        </button>
        <button
          type="button"
          onClick={() => void call('dock.setPrinterStatus', { coverOpen: true }).then(report)}
        >
          Cover open
        </button>
        <button
          type="button"
          onClick={() =>
            void call('dock.setPrinterStatus', {
              paperOut: false,
              coverOpen: false,
              paperNearEnd: false,
              error: false,
              online: true,
            }).then(report)
          }
        >
          Printer OK
        </button>
      </fieldset>
      <fieldset data-testid="dock-chain">
        <legend>Chain (light node)</legend>
        {chain === null ? (
          <em>no chain</em>
        ) : (
          <>
            <div>
              verified height {chain.verifiedHeight ?? '–'} of {chain.latestHeight} · peers{' '}
              {chain.peers}
            </div>
            <div>
              queue:{' '}
              {Object.entries(chain.queue)
                .filter(([, n]) => n > 0)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ') || 'empty'}
            </div>
            {chain.alarm !== null ? <strong>ALARM: {chain.alarm}</strong> : null}
            {chain.lastError !== null ? <div>last error: {chain.lastError}</div> : null}
          </>
        )}
      </fieldset>
      <p className="dock-msg" role="status">
        {message}
      </p>
      <div className="paper" aria-label="Simulated receipt paper">
        {paper.length === 0 ? <em>(no paper printed)</em> : null}
        {paper.map((l, i) => (
          <div key={i} className={l.bold ? 'b' : ''} style={{ fontSize: `${l.size}em` }}>
            {l.qr !== undefined ? `[QR ${l.qr}]` : l.text}
            {l.cut === true ? <hr /> : null}
          </div>
        ))}
      </div>
    </aside>
  );
}

// The top-bar button that opens and closes the accessibility settings panel.
import { useA11y } from '../a11y/context.js';
import { TouchTarget } from './TouchTarget.js';

export const SETTINGS_BUTTON_ID = 'a11y-toggle';
export const SETTINGS_PANEL_ID = 'a11y-panel';

export function SettingsButton({ label }: { label: string }) {
  const { panelOpen, dispatch } = useA11y();
  return (
    <TouchTarget
      id={SETTINGS_BUTTON_ID}
      className="settings-toggle"
      data-testid="a11y-toggle"
      aria-expanded={panelOpen}
      // Only point at the panel while it exists.
      aria-controls={panelOpen ? SETTINGS_PANEL_ID : undefined}
      onActivate={() => dispatch({ type: 'panel', open: !panelOpen })}
    >
      <span className="settings-icon" aria-hidden="true">
        Aa
      </span>
      {label}
    </TouchTarget>
  );
}

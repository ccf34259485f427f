// A labelled row of big buttons; the label also prefixes each button's spoken name.
import type { ReactNode } from 'react';

export function OptionGroup(props: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="option-group" role="group" aria-labelledby={`${props.id}-label`}>
      <h3 className="option-label" id={`${props.id}-label`}>
        {props.label}
      </h3>
      <div className="option-row">{props.children}</div>
    </div>
  );
}

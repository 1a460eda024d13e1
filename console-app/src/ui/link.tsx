import type { ComponentChildren } from 'preact';
import { hrefOf, isPlainClick, navigate } from '../router';

/** A link inside the console: a real href (open in a new tab works), navigated without a reload. */
export function Link({
  to,
  children,
  ...rest
}: {
  to: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
  'aria-current'?: 'page';
  'aria-label'?: string;
}) {
  return (
    <a
      {...rest}
      href={hrefOf(to)}
      onClick={(event) => {
        if (!isPlainClick(event)) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

import './tabs.css';

/** Tabs as buttons (arrow keys move between them, as ARIA's tab pattern says). */
export function Tabs<K extends string>({
  tabs,
  current,
  onSelect,
  label,
}: {
  tabs: { key: K; label: string }[];
  current: K;
  onSelect: (key: K) => void;
  label: string;
}) {
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => (
        <button
          type="button"
          role="tab"
          key={tab.key}
          id={`tab-${tab.key}`}
          aria-selected={tab.key === current}
          tabIndex={tab.key === current ? 0 : -1}
          onClick={() => onSelect(tab.key)}
          onKeyDown={(event) => {
            const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
            if (!step) return;
            event.preventDefault();
            const next = tabs[(index + step + tabs.length) % tabs.length] as { key: K };
            onSelect(next.key);
            document.getElementById(`tab-${next.key}`)?.focus();
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

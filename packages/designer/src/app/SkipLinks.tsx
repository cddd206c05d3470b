/** Skip links to a page's landmarks: the first things a keyboard reaches (WCAG 2.4.1). */
export function SkipLinks({ targets }: { targets: readonly { id: string; label: string }[] }) {
  return (
    <>
      {targets.map((target) => (
        <a
          key={target.id}
          className="skip-link"
          href={`#${target.id}`}
          data-testid={`skip-${target.id}`}
          onClick={(e) => {
            // the app routes on the hash: move focus without navigating
            e.preventDefault();
            document.getElementById(target.id)?.focus();
          }}
        >
          {target.label}
        </a>
      ))}
    </>
  );
}

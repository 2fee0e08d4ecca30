/**
 * A file path that keeps its file name when space runs out: the folders are cut in the middle
 * ("/src/services/pay…/handleInvoice.ts"), never the end. The whole path is in the tooltip.
 */
export function MiddlePath({ path, suffix = '', className = '' }: { path: string; suffix?: string; className?: string }) {
  const cut = path.lastIndexOf('/', path.length - 2);
  const dir = cut > 0 ? path.slice(0, cut + 1) : '';
  const name = cut > 0 ? path.slice(cut + 1) : path;
  return (
    <span className={`flex min-w-0 font-mono ${className}`} title={`${path}${suffix}`} data-path={path}>
      {dir && <span className="min-w-[2ch] shrink truncate">{dir}</span>}
      {/* The name shrinks only after the folders are gone (then it is cut at its end). */}
      <span className="min-w-0 shrink-[0.001] truncate">
        {name}
        {suffix}
      </span>
    </span>
  );
}

import { formatExact, formatRelative } from '../lib/format'

/** "3 minutes ago", with the exact time on hover and for assistive technology. */
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="text-slate-500">—</span>
  return (
    <time dateTime={iso} title={formatExact(iso)}>
      {formatRelative(iso)}
    </time>
  )
}

/** Refinery's mark: four cards of a story map. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <rect x="7" y="8" width="8" height="6" rx="1.5" fill="#fff" />
      <rect x="17" y="8" width="8" height="6" rx="1.5" fill="#fff" opacity=".75" />
      <rect x="7" y="17" width="8" height="6" rx="1.5" fill="#fff" opacity=".75" />
      <rect x="17" y="17" width="8" height="6" rx="1.5" fill="#fff" opacity=".5" />
    </svg>
  )
}

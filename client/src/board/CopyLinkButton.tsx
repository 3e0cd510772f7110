import { useEffect, useState } from 'react'

/** Copies the board's address, the way to invite someone; says so for a moment after. */
export function CopyLinkButton() {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 2000)
    return () => clearTimeout(timer)
  }, [copied])

  // The clipboard API exists only on secure pages (https: or localhost).
  if (!navigator.clipboard) return null
  const copy = () => {
    navigator.clipboard.writeText(window.location.href).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }
  return (
    <button type="button" className="button button--small" onClick={copy} data-testid="copy-board-link">
      {copied ? 'Link copied' : 'Copy link'}
    </button>
  )
}

import { Link } from './Link'
import { Logo } from './Logo'
import { useDocumentTitle } from './useDocumentTitle'

export function NotFoundPage() {
  useDocumentTitle('Page not found · Refinery')
  return (
    <main className="centered-page">
      <section className="panel" data-testid="not-found">
        <Logo size={40} />
        <h1>Page not found</h1>
        <p className="muted">
          There is nothing at this address. Boards live at addresses like /b/your-board.
        </p>
        <Link to="/" className="button button--primary">
          Go to the home page
        </Link>
      </section>
    </main>
  )
}

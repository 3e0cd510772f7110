import { type FormEvent, useId, useState } from 'react'
import { Logo } from '../app/Logo'
import { navigate } from '../app/router'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { boardIdFrom, boardPath, newBoardId } from '../board/boardId'

export function HomePage() {
  useDocumentTitle('Refinery')
  const inputId = useId()
  const [boardInput, setBoardInput] = useState('')
  const [error, setError] = useState<string | null>(null)

  const openBoard = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const boardId = boardIdFrom(boardInput)
    if (boardId) navigate(boardPath(boardId))
    else setError('Enter a board id (letters, digits, - and _) or paste a board link.')
  }

  return (
    <main className="centered-page">
      <section className="panel home__panel">
        <div className="brand">
          <Logo size={36} />
          <span className="brand__name">Refinery</span>
        </div>
        <h1 className="home__title">Refine the backlog together, on one live board.</h1>
        <p className="muted">
          Lay out the story map with your team: everyone sees every card, every move and every cursor as it
          happens, and the board keeps working when the network does not.
        </p>
        <button
          type="button"
          className="button button--primary button--large"
          data-testid="new-board"
          onClick={() => navigate(boardPath(newBoardId()))}
        >
          New board
        </button>
        <form className="home__open" onSubmit={openBoard} noValidate>
          <label htmlFor={inputId}>Open a board</label>
          <div className="field-row">
            <input
              id={inputId}
              className="field"
              data-testid="open-board-input"
              placeholder="Board id or link"
              autoComplete="off"
              spellCheck={false}
              value={boardInput}
              aria-invalid={error !== null}
              onChange={(event) => {
                setBoardInput(event.target.value)
                setError(null)
              }}
            />
            <button type="submit" className="button">
              Open
            </button>
          </div>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      </section>
    </main>
  )
}

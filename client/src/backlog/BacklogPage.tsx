export function BacklogPage({ boardId }: { boardId: string }) {
  return <main className="centered-page">Backlog of {boardId}</main>
}

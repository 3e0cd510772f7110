import { lazy, Suspense } from 'react'
import { AuthPage } from '../auth/AuthPage'
import { HomePage } from '../home/HomePage'
import { JoinPage } from '../join/JoinPage'
import { NotFoundPage } from './NotFoundPage'
import { useRoute } from './router'

// The editor is most of the app's weight; the home page does not wait for it.
const BoardPage = lazy(async () => ({ default: (await import('../board/BoardPage')).BoardPage }))
const VersionBoardPage = lazy(async () => ({
  default: (await import('../versions/VersionBoardPage')).VersionBoardPage,
}))
const BacklogPage = lazy(async () => ({ default: (await import('../backlog/BacklogPage')).BacklogPage }))

export function App() {
  const route = useRoute()
  switch (route.page) {
    case 'home':
      return <HomePage />
    case 'sign-in':
      return <AuthPage mode="sign-in" />
    case 'sign-up':
      return <AuthPage mode="sign-up" />
    case 'join':
      return <JoinPage token={route.token} />
    case 'board':
      return (
        <Suspense fallback={<p className="page-loading">Opening the board…</p>}>
          <BoardPage key={route.boardId} boardId={route.boardId} />
        </Suspense>
      )
    case 'backlog':
      return (
        <Suspense fallback={<p className="page-loading">Opening the backlog…</p>}>
          <BacklogPage key={route.boardId} boardId={route.boardId} />
        </Suspense>
      )
    case 'version':
      return (
        <Suspense fallback={<p className="page-loading">Opening the version…</p>}>
          <VersionBoardPage key={route.versionId} boardId={route.boardId} versionId={route.versionId} />
        </Suspense>
      )
    case 'not-found':
      return <NotFoundPage />
  }
}
